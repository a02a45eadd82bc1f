// Quản trị › Thủ tục: uploading a package with a progress bar (a file, not inline: the CSP
// allows scripts from this site only).
// Large files: show upload progress, then the server's report in place of this page.
document.getElementById("import-form").addEventListener("submit", function (event) {
  event.preventDefault();
  const form = event.target, bar = document.getElementById("import-progress");
  const status = document.getElementById("import-status");
  const xhr = new XMLHttpRequest();
  bar.hidden = false;
  xhr.upload.onprogress = function (e) {
    if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
    status.textContent = "Đang tải lên " + bar.value + "%";
  };
  xhr.upload.onload = function () { status.textContent = "Đang nhập và kiểm tra từng bản ghi…"; bar.removeAttribute("value"); };
  xhr.onload = function () { document.open(); document.write(xhr.responseText); document.close(); };
  xhr.onerror = function () { status.textContent = "Không gửi được tệp, vui lòng thử lại."; };
  xhr.open("POST", form.action);
  xhr.send(new FormData(form));
});
