// Starts Swagger UI on the page's document. A file, not an inline script: the page's
// Content-Security-Policy runs scripts from this origin only (script-src 'self').
"use strict";

(function () {
  var root = document.getElementById("swagger-ui");
  var specUrl = root.getAttribute("data-spec-url");

  // The document's `servers` name where the API is deployed; "Try it out" sends its requests
  // to the service that served this page instead, at the base path the first server names.
  // Only the copy shown here changes: /openapi/*.json serves the document as written.
  function thisService(servers) {
    var path = "";
    var first = servers && servers[0];
    if (first && typeof first.url === "string") {
      // OAS 3.1 4.8.5: `{name}` in a server URL takes the variable's default.
      var url = first.url.replace(/\{([^}]+)\}/g, function (_, name) {
        var variable = first.variables && first.variables[name];
        return variable && variable["default"] !== undefined ? String(variable["default"]) : "";
      });
      path = new URL(url, window.location.href).pathname.replace(/\/+$/, "");
    }
    return {
      url: window.location.origin + path,
      description: "This service",
    };
  }

  function showError(message) {
    root.textContent = "";
    var paragraph = document.createElement("p");
    paragraph.className = "docs-error";
    paragraph.textContent = message;
    root.appendChild(paragraph);
  }

  fetch(specUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (spec) {
      spec.servers = [thisService(spec.servers)];
      window.SwaggerUIBundle({
        spec: spec,
        domNode: root,
        // The default asks validator.swagger.io about the document: a request elsewhere.
        validatorUrl: null,
        deepLinking: true,
        // An API key typed into "Authorize" stays in this page, not in localStorage.
        persistAuthorization: false,
        displayRequestDuration: true,
        showExtensions: true,
        showCommonExtensions: true,
      });
    })
    .catch(function (error) {
      showError("Could not load " + specUrl + ": " + error.message);
    });
})();
