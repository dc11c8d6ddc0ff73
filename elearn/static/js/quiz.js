// After "Save and go on" the server redirects to the next question with #question-heading:
// put keyboard focus on that question's heading, so that a keyboard or screen-reader user
// starts from the new question (without JavaScript the fragment still scrolls there).
document.addEventListener("DOMContentLoaded", function () {
  if (window.location.hash !== "#question-heading") return;
  var heading = document.getElementById("question-heading");
  if (heading) heading.focus();
});
