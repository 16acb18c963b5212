// Support action form: show the sponsorship fields only for "Nhận đỡ đầu trẻ em".
// (No inline scripts: the Content Security Policy forbids them.)
(function () {
  var kind = document.getElementById("id_kind");
  if (!kind) { return; }
  var names = ["sponsor", "monthly_amount", "sponsorship_start", "sponsorship_end"];
  function toggle() {
    var show = kind.value === "sponsorship";
    names.forEach(function (name) {
      var input = document.getElementById("id_" + name);
      var box = input && input.closest(".mb-2");
      if (box) { box.classList.toggle("d-none", !show && !input.value); }
    });
  }
  kind.addEventListener("change", toggle);
  toggle();
})();
