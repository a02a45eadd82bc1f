// Quản trị › Cơ quan: the administrative-unit import form (a file, not inline: the CSP allows
// scripts from this site only).
// Say that the import runs, and keep the button from a second click.
document.getElementById("units-import").addEventListener("submit", function (event) {
  const form = event.target;
  document.getElementById("units-import-progress").hidden = false;
  document.getElementById("units-import-status").textContent = "Đang nhập đơn vị hành chính, vui lòng chờ…";
  setTimeout(function () {
    form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
  }, 0);
});
