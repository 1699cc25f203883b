/* Filing form: show each [data-show-for="type ..."] block only for the chosen ticket type.
   Convenience only: the server validates priority and quota whatever is shown. */
(function () {
  "use strict";
  var select = document.getElementById("id_ticket_type");
  if (!select) { return; }
  function update() {
    var chosen = select.value;
    document.querySelectorAll("[data-show-for]").forEach(function (block) {
      var types = block.getAttribute("data-show-for").split(/\s+/);
      block.hidden = types.indexOf(chosen) === -1;
    });
  }
  select.addEventListener("change", update);
  update();
})();
