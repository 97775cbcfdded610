"""Run axe-core (shipped inside axe-playwright-python, offline) and report violations readably."""

from __future__ import annotations

from functools import cache

WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def violations(page) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now."""
    results = _axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]},
    )
    return results.response["violations"]


def is_styled(page) -> bool:
    """Both stylesheets applied: palabre.css (a font stack) and organisation.css (--primary)."""
    return page.evaluate(
        """() => {
          const root = getComputedStyle(document.documentElement);
          const body = getComputedStyle(document.body);
          return root.getPropertyValue('--primary').trim() !== ''
            && body.fontFamily.includes('system-ui');
        }"""
    )


def describe(label: str, found: list[dict]) -> str:
    """One block per violation: rule id, impact, help, and each offending node."""
    lines = []
    for violation in found:
        lines.append(
            f"[{label}] {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" — {violation.get('helpUrl', '')}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}\n        {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)
