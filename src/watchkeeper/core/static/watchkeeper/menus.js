// The navigation's menus (<details>, issue 15 §5) work without this script; it only closes an open menu when
// another opens, when a click lands outside it, or on Escape, as people expect of a menu.
(function () {
  "use strict";
  function menus() { return document.querySelectorAll("nav details.nav-group[open]"); }
  function closeAll(except) {
    menus().forEach(function (menu) { if (menu !== except) { menu.removeAttribute("open"); } });
  }
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu.matches && menu.matches("details.nav-group") && menu.open) { closeAll(menu); }
  }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("details.nav-group")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { closeAll(null); } });
})();
