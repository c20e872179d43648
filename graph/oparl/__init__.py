"""Council documents from an OParl 1.1 system (a Ratsinformationssystem): fetching and paging on one host within a
request budget (``client``), OParl objects as triples with their provenance (``model``), the filter, the suggested
links to measures and goals, and the one validated write (``importer``)."""
