// Choosing the woman reloads the counselling form with her goals, so their progress can be set.
document.getElementById("id_participant").addEventListener("change", (e) => {
  window.location.search = "?participant=" + encodeURIComponent(e.target.value);
});
