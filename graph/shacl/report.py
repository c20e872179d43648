"""The validation report as text for people: German by default, grouped by Handlungsfeld and severity."""

from __future__ import annotations

from itertools import groupby

from integrationsgraph.graph.core.report import Report, Result

WORDS = {
    "de": {
        "Violation": ("Verstoß", "Verstöße"),
        "Warning": ("Warnung", "Warnungen"),
        "Info": ("Hinweis", "Hinweise"),
        "conforms": "konform",
        "not_conforms": "NICHT konform",
        "title": "Prüfbericht",
        "no_field": "Ohne Handlungsfeld",
        "field": "Handlungsfeld",
        "path": "Pfad",
        "value": "Wert",
        "rule": "Regel",
        "none": "keine Befunde",
    },
    "en": {
        "Violation": ("violation", "violations"),
        "Warning": ("warning", "warnings"),
        "Info": ("note", "notes"),
        "conforms": "conforms",
        "not_conforms": "does NOT conform",
        "title": "Validation report",
        "no_field": "No field of action",
        "field": "Field of action",
        "path": "path",
        "value": "value",
        "rule": "rule",
        "none": "no findings",
    },
}


def render_text(report: Report, lang: str = "de", title: str | None = None) -> str:
    """A readable report: one block per Handlungsfeld, results ordered by severity."""
    w = WORDS.get(lang, WORDS["de"])
    counts = report.counts()
    summary = ", ".join(f"{n} {w[sev][0 if n == 1 else 1]}" for sev, n in counts.items())
    verdict = w["conforms"] if report.conforms else w["not_conforms"]
    lines = [f"{w['title']}{' – ' + title if title else ''}: {verdict} ({summary})"]
    if not report.results:
        lines.append(f"  {w['none']}")
        return "\n".join(lines) + "\n"

    def field_key(r: Result) -> str:
        return r.field_label or ""

    for field_label, results in groupby(sorted(report.results, key=_order), key=field_key):
        lines.append("")
        lines.append(f"== {w['field']}: {field_label} ==" if field_label else f"== {w['no_field']} ==")
        for r in results:
            sev = w[r.severity][0]
            label = f"„{r.focus_label}“ " if r.focus_label else ""
            lines.append(f"  [{sev}] {label}<{r.focus}>")
            lines.append(f"      {r.message(lang)}")
            details = [
                f"{w['path']}: {r.path}" if r.path else None,
                f"{w['value']}: {r.value}" if r.value else None,
            ]
            details.append(f"{w['rule']}: {_short(r.shape)}")
            lines.append("      " + " · ".join(d for d in details if d))
    return "\n".join(lines) + "\n"


def _order(r: Result) -> tuple[int, str, int, str]:
    rank = {"Violation": 0, "Warning": 1, "Info": 2}.get(r.severity, 3)
    return (0 if r.field_label else 1, r.field_label or "", rank, r.focus)


def _short(iri: str) -> str:
    return "kios:" + iri.split("#", 1)[1] if "/shapes#" in iri else iri
