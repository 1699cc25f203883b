/* Behaviour every page shares, kept out of the HTML: the Content-Security-Policy allows no
   inline script or on...= handler. A <select data-submit-on-change> (the language menu) sends
   its form as soon as a choice is made. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });
})();
