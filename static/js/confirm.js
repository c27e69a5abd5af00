// A button that does what cannot be undone (提交后不能修改, 审核上报, 发布, 进入公示 …) asks first: its
// data-confirm holds the question, e.g. data-confirm="提交后不能修改，确定提交吗？". Declined, nothing is sent;
// without JavaScript the button submits as before (the service still refuses a second submission).
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (event) {
      var button = event.submitter;
      var question = button && button.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();
