// A refused form comes back at the top of its page: on a phone its first error can be a screen or two below,
// where nobody looks. Bring the first error of a form into view and put the cursor in its field (the field's
// aria-describedby lets a screen reader read the message).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var error = document.querySelector("main form .is-invalid, main form .invalid-feedback, main form .alert-danger");
    if (!error) {
      return;
    }
    var field = error.matches("input, select, textarea") ? error : null;
    if (!field && !error.classList.contains("alert-danger")) {
      var box = error.closest(".mb-3, fieldset, td, li") || error.parentElement;
      field = box && box.querySelector("input:not([type=hidden]), select, textarea");
    }
    error.scrollIntoView({ block: "center" });
    if (field) {
      field.focus({ preventScroll: true });
    }
  });
})();
