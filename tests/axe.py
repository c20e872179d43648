"""axe-core in a Playwright page: the WCAG 2.1 A and AA rules, run on what the browser shows.

``axe_violations(page)`` adds the vendored ``tests/data/axe/axe.min.js`` (axe-core from npm, MPL-2.0) to the page
and returns axe's violations, each cut down to what a failing test should print: the rule, its impact, its help
text and the first few offending elements. The script is evaluated through the DevTools protocol (not added as a
``<script>`` element, which the page's Content-Security-Policy would rightly block as inline script), so the
policy stays on and the page's own scripts are left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "data" / "axe" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""The rule sets: WCAG 2.0 and 2.1, levels A and AA."""

_RUN = """async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary}))
  }));
}"""


def axe_violations(page: Any, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations axe-core finds in ``page`` (a Playwright page, loaded); ``[]`` when none."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    found: list[dict[str, Any]] = page.evaluate(_RUN, tags or TAGS)
    return found
