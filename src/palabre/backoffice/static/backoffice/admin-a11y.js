/* The back office's accessibility fixes over Django's admin scripts (WCAG 2.1 AA).

   SelectFilter2.js (filter_horizontal) draws its search icon as <span aria-label="…"> with no
   role, which ARIA forbids (axe: aria-prohibited-attr); role="img" makes the label valid and
   keeps it as the filter input's name. The widgets are built on load, and again in inline rows
   added later: watch the document rather than guess when, looking only at what each change
   added (the page itself once, at the start). */
'use strict';
{
    const ICON = '.search-label-icon[aria-label]:not([role])';
    const fix = (root) => {
        if (root.matches && root.matches(ICON)) {
            root.setAttribute('role', 'img');
        }
        root.querySelectorAll(ICON).forEach((icon) => {
            icon.setAttribute('role', 'img');
        });
    };
    const added = (mutations) => {
        for (const mutation of mutations) {
            for (const node of mutation.addedNodes) {
                if (node.nodeType === Node.ELEMENT_NODE) {
                    fix(node);
                }
            }
        }
    };
    const start = () => {
        fix(document);
        new MutationObserver(added).observe(document.body, {childList: true, subtree: true});
    };
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}
