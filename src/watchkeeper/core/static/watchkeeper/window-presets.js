// "Last hour / Today / Now" beside every time window a form asks for (issue 15 §5): a form with a
// datetime-local field named ...start and one named ...end gets three buttons that fill them in UK local time
// (the browser's clock, as a person would type it); a form whose window must lie inside a given one (its
// start field has a min, its end field a max) gets "Whole viewed window" instead. The server checks the
// window as always.
(function () {
  "use strict";
  function pad(n) { return String(n).padStart(2, "0"); }
  function local(input, moment) {
    var text = moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()) +
      "T" + pad(moment.getHours()) + ":" + pad(moment.getMinutes());
    // A field that takes whole minutes refuses seconds (its step), so only a seconds field gets them.
    return input.step === "1" ? text + ":" + pad(moment.getSeconds()) : text;
  }
  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary preset";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }
  function field(form, suffix) {
    var found = null;
    form.querySelectorAll("input[type=datetime-local]").forEach(function (input) {
      if (!found && input.name.slice(-suffix.length) === suffix) { found = input; }
    });
    return found;
  }
  function equip(form) {
    var start = field(form, "start"), end = field(form, "end");
    if (!start || !end || form.querySelector(".window-presets")) { return; }
    function set(from) {
      var now = new Date();
      if (from) { start.value = local(start, from(now)); }
      end.value = local(end, now);
    }
    var row = document.createElement("p");
    row.className = "window-presets";
    if (start.min && end.max) {
      // A window that must lie inside another (a copy of footage already viewed): "last hour" and "now"
      // would fall outside it, so the one preset is the whole of the window allowed.
      row.append(button("Whole viewed window", function () { start.value = start.min; end.value = end.max; }));
    } else {
      row.append(
        button("Last hour", function () { set(function (now) { return new Date(now.getTime() - 3600 * 1000); }); }),
        button("Today", function () { set(function (now) { return new Date(now.getFullYear(), now.getMonth(), now.getDate()); }); }),
        button("Now", function () { set(null); })
      );
    }
    var after = end.closest("p, label, div") || end;
    after.insertAdjacentElement("afterend", row);
  }
  function run() { document.querySelectorAll("form").forEach(equip); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
  document.addEventListener("htmx:afterSwap", run);
})();
