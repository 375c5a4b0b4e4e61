// OAuth2 authorization server for tests: npm oauth2-mock-server 9.3.0 with the behaviour of
// Microsoft Entra ID that the gateway depends on, added through the package's event hooks and
// custom routes.
//
// Usage: node rigs/oauth2-mock.mjs <port> <npm-cache-dir>
//
// Listens on 127.0.0.1:<port>; the issuer is http://localhost:<port>. On top of the package
// (discovery, /jwks, /authorize, /token with PKCE, client credentials and refresh tokens):
// - /authorize remembers the user (`login_hint`, default `johndoe`) and the scopes of each
//   code; a token request that names no scopes is granted those of its sign-in;
// - access tokens carry Entra's claims: `aud` (the resource of the first URL-shaped scope),
//   `scp` (the short scope names) or `roles: ["full_access_as_app"]`, `upn`,
//   `preferred_username`, `unique_name`, a stable `sub` and `oid` per user, `tid`, `appid`;
// - codes are used once, refresh tokens rotate: a used, unknown or revoked one is refused
//   with 400 invalid_grant (AADSTS70000, or AADSTS50173 when revoked);
// - POST /revoke (RFC 7009, form `token=`) revokes one refresh token;
// - POST /control/revoke-user (form `user=`) revokes every refresh token of a user;
// - POST /control/expired-tokens (form `count=`, optional `who=`) makes the next access tokens
//   (of one user, or of one client for client credentials, when `who` names it) expired on
//   arrival (their `expires_in` still says an hour, as from a server whose clock disagrees);
// - GET /control/stats counts the answers per grant type.
// Client secrets are not checked, and there is no device code endpoint.

import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";

const [portArg, cache] = process.argv.slice(2);
const port = Number.parseInt(portArg ?? "", 10);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !cache) {
  console.error("usage: node rigs/oauth2-mock.mjs <port> <npm-cache-dir>");
  process.exit(2);
}

// ESM ignores NODE_PATH: the package is imported by its path in the cache folder.
const entry = `${cache}/node_modules/oauth2-mock-server/dist/index.mjs`;
const { OAuth2Server, Events } = await import(pathToFileURL(entry).href);

/** The tenant every token names. */
const TENANT = "7c3e9a41-52d8-4f6b-9e0a-3b1d6f8c2e57";
/** Who signs in at /authorize without a `login_hint`. */
const DEFAULT_USER = "johndoe";
/** Exchange Online's resource, whose `.default` scope stands for its delegated permission. */
const EXCHANGE = "https://outlook.office365.com";
/** Microsoft Graph's application id: Entra's audience for scopes without a resource. */
const GRAPH = "00000003-0000-0000-c000-000000000000";
/** Bound on every table, so that a long run cannot grow the process without end. */
const MAX_ENTRIES = 100_000;

/** Authorization codes issued by /authorize → { user, scopes } of the sign-in. */
const codes = new Map();
/** Refresh tokens → { user, client, scopes, state: "active" | "used" | "revoked" }. */
const refreshTokens = new Map();
/** Answers of the token endpoint per grant type: { issued, refused }. */
const grants = {};
/** A user (or a client id) in lower case, or `*` for anyone → how many of its next access
 * tokens are issued expired. */
const expiring = new Map();
const ANYONE = "*";

function remember(map, key, value) {
  if (map.size >= MAX_ENTRIES) {
    map.delete(map.keys().next().value);
  }
  map.set(key, value);
}

function count(grantType, outcome) {
  const entry = (grants[grantType] ??= { issued: 0, refused: 0 });
  entry[outcome] += 1;
}

/** The `sub` of a user: stable, opaque, base64url as Entra writes it. */
function subjectOf(name) {
  return createHash("sha256").update(`sub\0${name}`).digest("base64url").slice(0, 43);
}

/** An object id in GUID form, stable per name. */
function objectIdOf(name) {
  const h = createHash("sha256").update(`oid\0${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `[resource, name]` of a scope: `https://host/Name` → `["https://host", "Name"]`. */
function splitScope(scope) {
  const slash = scope.lastIndexOf("/");
  const scheme = scope.indexOf("://");
  if (scheme < 0 || slash <= scheme + 2) {
    return [undefined, scope];
  }
  return [scope.slice(0, slash), scope.slice(slash + 1)];
}

function splitScopes(text) {
  return typeof text === "string" ? text.split(/\s+/).filter(Boolean) : [];
}

/** The scopes a token request is granted: those it names, else those of its grant (the
 * sign-in of a code, which names none; the sign-in behind a refresh token). */
function scopesOf(req) {
  const named = splitScopes(req.body?.scope);
  if (named.length > 0) {
    return named;
  }
  switch (req.body?.grant_type) {
    case "authorization_code":
      return codes.get(req.body.code)?.scopes ?? [];
    case "refresh_token":
      return refreshTokens.get(req.body.refresh_token)?.scopes ?? [];
    default:
      return [];
  }
}

/** The audience of a token for these scopes: the resource of the first URL-shaped one. */
function audienceOf(scopes) {
  for (const scope of scopes) {
    const [resource] = splitScope(scope);
    if (resource !== undefined) {
      return resource;
    }
  }
  return GRAPH;
}

/** `scp` as Entra writes it: the short names, a `.default` of Exchange as its permission. */
function delegatedScp(scopes) {
  const names = [];
  for (const scope of scopes) {
    const [resource, name] = splitScope(scope);
    const short =
      name === ".default" ? (resource === EXCHANGE ? "EWS.AccessAsUser.All" : undefined) : name;
    if (short !== undefined && !names.includes(short)) {
      names.push(short);
    }
  }
  return names.join(" ");
}

/** The client id of a token request: HTTP Basic client authentication, or the form field. */
function clientOf(req) {
  const header = req.headers.authorization ?? "";
  const match = /^basic\s+(\S+)$/i.exec(header);
  if (match) {
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return decodeURIComponent(colon < 0 ? decoded : decoded.slice(0, colon));
  }
  return typeof req.body?.client_id === "string" ? req.body.client_id : "";
}

/** Who a token request acts for (`undefined` for client credentials). */
function userOf(req) {
  switch (req.body?.grant_type) {
    case "authorization_code":
      return codes.get(req.body.code)?.user;
    case "refresh_token":
      return refreshTokens.get(req.body.refresh_token)?.user;
    default:
      return undefined;
  }
}

function invalidGrant(response, description) {
  const code = Number.parseInt(description.slice(6), 10);
  response.statusCode = 400;
  response.body = {
    error: "invalid_grant",
    error_description: `${description}\r\nTimestamp: ${new Date().toISOString()}`,
    error_codes: [code],
  };
}

// The package's own revocation endpoint moves aside for the one below (see there).
const server = new OAuth2Server(undefined, undefined, {
  endpoints: { revoke: "/package/revoke" },
});
await server.issuer.keys.generate("RS256");
const service = server.service;

service.on(Events.BeforeWellKnownOpenIdConfiguration, (response) => {
  response.body.revocation_endpoint = `${server.issuer.url}/revoke`;
});

service.on(Events.BeforeAuthorizeRedirect, (redirect, req) => {
  const code = redirect.url.searchParams.get("code");
  if (code === null) {
    return;
  }
  const query = new URL(req.url ?? "/", "http://localhost").searchParams;
  const hint = query.get("login_hint")?.trim();
  remember(codes, code, {
    user: hint ? hint : DEFAULT_USER,
    scopes: splitScopes(query.get("scope")),
  });
});

// The package signs two tokens for a user's grant (access, then id token) and one for client
// credentials; the first of each request is the access token.
const signed = new WeakSet();
service.on(Events.BeforeTokenSigning, (token, req) => {
  const first = !signed.has(req);
  signed.add(req);
  const payload = token.payload;
  const client = clientOf(req);
  const scopes = scopesOf(req);
  const user = userOf(req) ?? DEFAULT_USER;
  payload.tid = TENANT;
  if (!first) {
    Object.assign(payload, {
      sub: subjectOf(user),
      oid: objectIdOf(user),
      preferred_username: user,
    });
    return;
  }
  if (req.body?.grant_type === "client_credentials") {
    Object.assign(payload, {
      aud: audienceOf(scopes),
      roles: ["full_access_as_app"],
      appid: client,
      sub: objectIdOf(`app\0${client}`),
      oid: objectIdOf(`app\0${client}`),
      idtyp: "app",
      ver: "1.0",
    });
  } else {
    Object.assign(payload, {
      scope: scopes.join(" "),
      aud: audienceOf(scopes),
      scp: delegatedScp(scopes),
      upn: user,
      preferred_username: user,
      unique_name: user,
      sub: subjectOf(user),
      oid: objectIdOf(user),
      appid: client,
      idtyp: "user",
      ver: "1.0",
    });
  }
  const holder = (req.body?.grant_type === "client_credentials" ? client : user).toLowerCase();
  const who = (expiring.get(holder) ?? 0) > 0 ? holder : ANYONE;
  const left = expiring.get(who) ?? 0;
  if (left > 0) {
    expiring.set(who, left - 1);
    const now = Math.floor(Date.now() / 1000);
    Object.assign(payload, { iat: now - 3700, nbf: now - 3700, exp: now - 100 });
  }
});

service.on(Events.BeforeResponse, (response, req) => {
  const grantType = req.body?.grant_type ?? "";
  const user = userOf(req) ?? DEFAULT_USER;
  const scopes = scopesOf(req);
  if (grantType === "authorization_code") {
    if (!codes.has(req.body.code)) {
      invalidGrant(response, "AADSTS70000: The provided value for the 'code' parameter is not valid.");
    } else {
      codes.delete(req.body.code);
    }
  } else if (grantType === "refresh_token") {
    const old = refreshTokens.get(req.body.refresh_token);
    if (old === undefined || old.state === "used") {
      invalidGrant(
        response,
        "AADSTS70000: The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.",
      );
    } else if (old.state === "revoked") {
      invalidGrant(
        response,
        "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed.",
      );
    } else {
      old.state = "used";
    }
  }
  if (response.statusCode !== 200) {
    count(grantType, "refused");
    return;
  }
  count(grantType, "issued");
  const fresh = response.body?.refresh_token;
  if (typeof fresh === "string") {
    response.body.scope = scopes.join(" ");
    remember(refreshTokens, fresh, { user, client: clientOf(req), scopes, state: "active" });
  }
});

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

function formField(req, name) {
  const value = req.body?.[name];
  return typeof value === "string" ? value : undefined;
}

// RFC 7009 revocation. The package's own /revoke answers before reading the form, so the
// token would only be known after the answer; this route reads the form first, and a test that
// revokes and then refreshes sees the refusal every time.
service.addRoute("POST", "/revoke", (req, res) => {
  const token = formField(req, "token");
  const entry = token === undefined ? undefined : refreshTokens.get(token);
  if (entry !== undefined) {
    entry.state = "revoked";
  }
  // Unknown tokens are answered 200 too (RFC 7009 section 2.2).
  res.statusCode = 200;
  res.end();
});

service.addRoute("POST", "/control/revoke-user", (req, res) => {
  const user = formField(req, "user");
  if (user === undefined || user === "") {
    sendJson(res, 400, { error: "invalid_request", error_description: "the form names no user" });
    return;
  }
  let revoked = 0;
  for (const entry of refreshTokens.values()) {
    if (entry.user.toLowerCase() === user.toLowerCase() && entry.state === "active") {
      entry.state = "revoked";
      revoked += 1;
    }
  }
  sendJson(res, 200, { revoked });
});

service.addRoute("POST", "/control/expired-tokens", (req, res) => {
  const who = formField(req, "who") || ANYONE;
  const n = Number.parseInt(formField(req, "count") ?? "", 10);
  if (!Number.isInteger(n) || n < 0 || n > 1000) {
    sendJson(res, 400, { error: "invalid_request", error_description: "count must be 0 to 1000" });
    return;
  }
  remember(expiring, who.toLowerCase(), n);
  sendJson(res, 200, { expired_tokens: n });
});

service.addRoute("GET", "/control/stats", (_req, res) => {
  const tokens = { active: 0, used: 0, revoked: 0 };
  for (const entry of refreshTokens.values()) {
    tokens[entry.state] += 1;
  }
  sendJson(res, 200, { grants, refresh_tokens: tokens });
});

await server.start(port, "127.0.0.1");
console.error(`oauth2-mock: listening on 127.0.0.1:${port}, issuer ${server.issuer.url}`);
