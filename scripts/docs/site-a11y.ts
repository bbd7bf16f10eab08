/**
 * What the HTML reference adds to Redoc's page for readers with assistive technology or low vision (WCAG 2.1 AA,
 * checked with axe-core in test/docs/browser.test.ts): darker badge, secondary-text and code-token colours in
 * the light theme (4.5:1 at their 12-14 px), a skip link, `navigation`/`main` landmarks around Redoc's menu and
 * content (plain `div`s in Redoc), and heading levels that never skip (aria-level).
 */
const STYLE = `<style id="hoody-a11y">
:root:not(.dark) {
  --color-warm-grey-5: #60616d !important; --color-blue-6: #1558c7 !important; --color-blue-7: #1f56b8 !important;
  --color-carrot-7: #8f4a0a !important; --color-magenta-7: #b00062 !important; --color-green-7: #0f6b3a !important;
  --color-red-7: #b3141f !important; --color-grass-7: #1d6b22 !important; --color-orange-7: #a82c10 !important;
  --color-raspberry-7: #a81550 !important; --color-sky-7: #005f99 !important; --color-turquoise-7: #006b85 !important;
  --color-purple-7: #5041b8 !important;
}
html body .tag-get { --tag-color: #17693b !important; } html body .tag-post { --tag-color: #1a4cc0 !important; }
html body .tag-put { --tag-color: #7c4700 !important; } html body .tag-patch { --tag-color: #6f5200 !important; }
html body .tag-delete { --tag-color: #a8083a !important; } html body .tag-head { --tag-color: #4a3cb0 !important; }
.hoody-skip-link { position: absolute; left: -10000px; top: 0; z-index: 1000; padding: 8px 12px; background: #fff; color: #1558c7; }
.hoody-skip-link:focus { left: 8px; top: 8px; }
</style>`;

/** Runs in the page: Redoc renders on the client, so the landmarks are set once its menu and content exist. */
const SCRIPT = `<script id="hoody-a11y-landmarks">
(function () {
  function mark() {
    var item = document.querySelector('.menu-item-type-group');
    var heading = document.querySelector('h1');
    if (!item || !heading) return false;
    var menu = item.closest('ul');
    var nav = menu && menu.parentElement;
    if (nav && !nav.getAttribute('role')) { nav.setAttribute('role', 'navigation'); nav.setAttribute('aria-label', 'API reference'); }
    var main = heading;
    while (main.parentElement && main.parentElement !== document.body && !main.parentElement.contains(nav)) main = main.parentElement;
    if (!main.getAttribute('role')) { main.setAttribute('role', 'main'); main.id = 'main-content'; main.setAttribute('tabindex', '-1'); }
    return true;
  }
  // Redoc nests h4/h5 under an operation's h2; assistive technology reads levels from aria-level, so each heading
  // is given at most one level more than the one before it, in document order, as Redoc re-renders.
  function orderHeadings() {
    var previous = 0;
    document.querySelectorAll('h1, h2, h3, h4, h5, h6').forEach(function (heading) {
      var level = Number(heading.tagName.slice(1));
      var fitted = previous === 0 ? level : Math.min(level, previous + 1);
      if (fitted !== level) heading.setAttribute('aria-level', String(fitted)); else heading.removeAttribute('aria-level');
      previous = fitted;
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; orderHeadings(); });
  }).observe(document.body, { childList: true, subtree: true });
  orderHeadings();
  var skip = document.createElement('a');
  skip.href = '#main-content'; skip.className = 'hoody-skip-link'; skip.textContent = 'Skip to the API reference';
  document.body.insertBefore(skip, document.body.firstChild);
  if (!mark()) { var tries = 0; var timer = setInterval(function () { if (mark() || ++tries > 100) clearInterval(timer); }, 50); }
})();
</script>`;

export function withAccessibility(html: string): string {
  if (!html.includes('</head>') || !html.includes('</body>')) throw new Error('the Redoc page has no </head> or </body> to add to');
  return html.replace('</head>', `${STYLE}</head>`).replace(/<\/body>(?![\s\S]*<\/body>)/, `${SCRIPT}</body>`);
}
