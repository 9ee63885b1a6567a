// Filters the exhibition grid in place by medium. Without JavaScript the same links lead to
// one page per medium, so nothing depends on this script.
(function () {
  "use strict";
  var grid = document.getElementById("works");
  var links = document.querySelectorAll(".filters a[data-medium]");
  if (!grid || !links.length || !window.history || !history.replaceState) return;
  var cards = grid.querySelectorAll(".card");
  function show(medium, link) {
    for (var i = 0; i < cards.length; i++) {
      cards[i].hidden = medium !== "" && cards[i].getAttribute("data-medium") !== medium;
    }
    for (var j = 0; j < links.length; j++) links[j].removeAttribute("aria-current");
    link.setAttribute("aria-current", "page");
  }
  // Only the full exhibition page filters in place; a medium page keeps plain links.
  if (document.querySelector(".filter-note")) return;
  for (var k = 0; k < links.length; k++) {
    links[k].addEventListener("click", function (event) {
      event.preventDefault();
      show(this.getAttribute("data-medium"), this);
    });
  }
})();
