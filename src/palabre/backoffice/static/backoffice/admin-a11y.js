/* The back office's accessibility fixes over Django's admin scripts (WCAG 2.1 AA).

   SelectFilter2.js (filter_horizontal) draws its search icon as <span aria-label="…"> with no
   role, which ARIA forbids (axe: aria-prohibited-attr); role="img" makes the label valid and
   keeps it as the filter input's name. The widgets are built on load, and again in inline rows
   added later: watch the document rather than guess when. */
'use strict';
{
    const fix = (root) => {
        root.querySelectorAll('.search-label-icon[aria-label]:not([role])').forEach((icon) => {
            icon.setAttribute('role', 'img');
        });
    };
    const start = () => {
        fix(document);
        new MutationObserver(() => fix(document)).observe(document.body, {childList: true, subtree: true});
    };
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}
