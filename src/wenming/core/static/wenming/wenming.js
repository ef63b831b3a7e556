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
  // Unread-message badges: <span data-unread-count>3</span>, updated by the server's HX-Trigger "wenming:unread".
  document.body.addEventListener("wenming:unread", function (e) {
    var count = e.detail && typeof e.detail.count === "number" ? e.detail.count : 0;
    document.querySelectorAll("[data-unread-count]").forEach(function (el) {
      el.textContent = count > 99 ? "99+" : String(count);
      el.hidden = count === 0;
    });
  });
})();
