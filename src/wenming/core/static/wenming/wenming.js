/* Small progressive enhancements; pages work without them. */
(function () {
  "use strict";
  // Confirm destructive actions: <button data-confirm="确定删除？">
  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); e.stopPropagation(); }
  }, true);
  // Auto-submit filter forms on select change: <form data-autosubmit>
  document.addEventListener("change", function (e) {
    var form = e.target.closest("form[data-autosubmit]");
    if (form && e.target.tagName === "SELECT") { form.requestSubmit ? form.requestSubmit() : form.submit(); }
  });
})();
