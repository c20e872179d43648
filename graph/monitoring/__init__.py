"""Monitoring and reporting: indicator series, the progress method (Open SDG), stored assessments, charts, and the
Sachstandsbericht. ``model`` holds the values every part passes around."""
