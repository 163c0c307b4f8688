// The API reference at /docs: Swagger UI (from the swagger-ui-dist package, served by Parley
// itself) over this server's own /openapi.json. Nothing is fetched from elsewhere: no validator
// badge (it would call validator.swagger.io), no remote fonts.
window.ui = window.SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  // "Authorize" keeps the key in this page only; "Try it out" calls this server.
  persistAuthorization: false,
  tryItOutEnabled: false,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
