// The sample web build's script: shows where the app would talk to (the REST API the twin
// serves) and proves the page loaded its content-hashed asset.
document.getElementById("status").textContent = "sample web build loaded (" + location.pathname + ")";
