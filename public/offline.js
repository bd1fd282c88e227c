// The offline page's one button: try the page again.
document.getElementById('retry').addEventListener('click', function () { location.reload(); });
