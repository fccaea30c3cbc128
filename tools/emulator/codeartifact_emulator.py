#!/usr/bin/env python3
"""Local AWS CodeArtifact emulator for PoetryCaAuth tests (Python 3 standard library only).

One HTTP server on 127.0.0.1 that plays these roles:
  * the CodeArtifact API (restJson, 2018-09-22): GetAuthorizationToken and
    GetRepositoryEndpoint, with real SigV4 verification;
  * the sign-in services the AWS SDKs reach through AWS_ENDPOINT_URL_<SERVICE>: the IAM Identity
    Center portal (GetRoleCredentials, bearer token), SSO OIDC (RegisterClient,
    StartDeviceAuthorization, CreateToken; unsigned) and STS AssumeRole (query protocol, SigV4
    service "sts", MFA serial and code checked). Credentials they hand out are accepted by the
    CodeArtifact API above, so a whole sign-in chain can be exercised;
  * a PEP 503 simple index for CodeArtifact-style hosts, reached as an HTTP proxy
    (HTTP_PROXY=http://127.0.0.1:P). It never forwards anything anywhere;
  * admin endpoints under /__emulator/ for tests (faults, request log, token expiry).
See README.md beside this file. Tokens, secrets and Authorization values are never logged or printed.
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import io
import json
import os
import re
import secrets
import signal
import socket
import sys
import threading
import time
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape

BIND_HOST = "127.0.0.1"
CORAL_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.coral.service/"
DOMAIN_PATTERN = r"[a-z][a-z0-9\-]{0,48}[a-z0-9]"
ACCOUNT_PATTERN = r"[0-9]{12}"
REPO_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._\-]{1,99}"
FORMATS = ("npm", "pypi", "maven", "nuget", "generic", "ruby", "swift", "cargo")
REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
# Index hosts: standard and dual-stack forms. The greedy domain group backtracks, so the
# split happens at the LAST hyphen followed by exactly 12 digits (domains may hold digits).
INDEX_HOST_RE = re.compile(
    r"(?P<domain>" + DOMAIN_PATTERN + r")-(?P<owner>\d{12})\."
    r"(?:d\.codeartifact\.(?P<r1>[a-z0-9-]+)\.amazonaws\.com|codeartifact\.(?P<r2>[a-z0-9-]+)\.on\.aws)")
FIVE_MIN = 300

DEFAULT_CONFIG = {
    "identities": [{
        "accessKeyId": "AKIAEMULATOR00000001",
        "secretAccessKey": "emulatorSecretKey0000000000000000000001",
        "arn": "arn:aws:iam::111122223333:user/emulator-user",
        "account": "111122223333",
    }, {
        "accessKeyId": "AKIAEMULATOR00000002",
        "secretAccessKey": "emulatorSecretKey0000000000000000000002",
        "arn": "arn:aws:iam::444455556666:user/emulator-other-user",
        "account": "444455556666",
    }],
    # Roles STS AssumeRole hands out; any known identity may assume them. With mfaSerial set, the
    # request must carry that SerialNumber and TokenCode == mfaCode.
    "roles": [
        {"roleArn": "arn:aws:iam::111122223333:role/codeartifact-reader"},
        {"roleArn": "arn:aws:iam::111122223333:role/codeartifact-mfa",
         "mfaSerial": "arn:aws:iam::111122223333:mfa/emulator-user", "mfaCode": "123456"},
        {"roleArn": "arn:aws:iam::444455556666:role/codeartifact-reader"},
    ],
    # IAM Identity Center: the permission sets (account + role name) GetRoleCredentials serves, and
    # how the device authorization behaves. autoApproveAfterPolls null = only an approval (admin call
    # or a visit to the verification URL) completes a sign-in.
    "sso": {
        "roles": [{"accountId": "111122223333", "roleName": "Developer"},
                  {"accountId": "444455556666", "roleName": "Developer"}],
        "autoApproveAfterPolls": None,
        "deviceCodeExpiresIn": 600,
        "pollInterval": 1,
        "accessTokenExpiresIn": 28800,
    },
    "domains": [
        {"name": "my-domain", "owner": "111122223333", "region": "us-west-2", "allowedArns": None,
         "repositories": [{"name": "pypi-store", "packages": [{"name": "hello-private", "version": "1.0.0"}]}]},
        {"name": "other-domain", "owner": "444455556666", "region": "eu-west-1", "allowedArns": None,
         "repositories": [{"name": "team-repo", "packages": [{"name": "hello-other", "version": "2.0.0"}]}]},
    ],
}


class ApiError(Exception):
    def __init__(self, status, name, message, **extra):
        super().__init__(message)
        self.status, self.name, self.message, self.extra = status, name, message, extra


def opaque(nbytes):
    """A random URL-safe string that never starts with '-': real AWS secrets and codes do not, and command-line
    tools (the AWS CLI's argument parser) would take such a value for an option."""
    while True:
        value = secrets.token_urlsafe(nbytes)
        if not value.startswith("-"):
            return value


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def normalize_project(name):  # PEP 503
    return re.sub(r"[-_.]+", "-", name).lower()


def amz_fmt(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


# --------------------------------------------------------------------------- wheels
def build_wheel(name, version):
    """A minimal, valid, installable pure-Python wheel, built in memory.

    Fixed zip timestamps make the bytes (and so the sha256) identical on every start."""
    dist = re.sub(r"[-_.]+", "_", name)
    pkg = dist.lower()
    info = f"{dist}-{version}.dist-info"
    files = [
        (f"{pkg}/__init__.py",
         f'GREETING = "hello from CodeArtifact emulator"\n__version__ = "{version}"\n'),
        (f"{info}/METADATA",
         f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
         f"Summary: Test package served by the CodeArtifact emulator\nRequires-Python: >=3.7\n\n"),
        (f"{info}/WHEEL",
         "Wheel-Version: 1.0\nGenerator: codeartifact-emulator (1.0)\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, text in files:
            data = text.encode("utf-8")
            zf.writestr(zipfile.ZipInfo(path, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
            record.append(f"{path},sha256={b64u(hashlib.sha256(data).digest())},{len(data)}")
        record.append(f"{info}/RECORD,,")  # RECORD lists itself without a hash
        zf.writestr(zipfile.ZipInfo(f"{info}/RECORD", (1980, 1, 1, 0, 0, 0)),
                    ("\n".join(record) + "\n").encode("utf-8"), zipfile.ZIP_DEFLATED)
    data = buf.getvalue()
    return {"name": name, "project": normalize_project(name), "version": version,
            "filename": f"{dist}-{version}-py3-none-any.whl", "data": data,
            "sha256": hashlib.sha256(data).hexdigest()}


# --------------------------------------------------------------------------- state
class State:
    FAULT_KEYS = ("throttle", "error500", "drop", "delayMs", "delayCount", "malformedJson", "clockSkewSeconds")

    def __init__(self, config, log_file):
        self.lock = threading.Lock()
        self.in_flight = 0  # non-admin requests being answered (see do_GET)
        self.identities = {i["accessKeyId"]: i for i in config["identities"]}
        self.domains = {}
        for d in config["domains"]:
            repos = {}
            for r in d.get("repositories", []):
                wheels = [build_wheel(p["name"], p["version"]) for p in r.get("packages", [])]
                repos[r["name"]] = wheels
            self.domains[(d["name"], d["owner"], d["region"])] = {
                "allowedArns": d.get("allowedArns"), "repositories": repos}
        self.tokens = {}  # sha256(token) -> record; the token itself is not kept
        self.log = []
        self.log_file = log_file
        self.faults = {}
        self.roles = {r["roleArn"]: r for r in config["roles"]}
        self.sso_config = dict(config["sso"])
        self.sso_settings = dict(self.sso_config)
        self.sso_roles = {(r["accountId"], r["roleName"]) for r in config["sso"]["roles"]}
        self.oidc_clients = {}     # clientId -> {secret hash, expires}
        self.device_auths = {}     # sha256(deviceCode) -> pending sign-in
        self.sso_tokens = {}       # sha256(accessToken) -> {expires}
        self.refresh_tokens = {}   # sha256(refreshToken) -> {clientId}

    def issue_identity(self, account, arn, expires):
        """Temporary credentials (as STS or the SSO portal hand out) that the API then accepts."""
        ident = {"accessKeyId": "ASIA" + "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
                 "secretAccessKey": opaque(30), "sessionToken": "IQoJb3JpZ2luX2Vj" + secrets.token_urlsafe(300),
                 "arn": arn, "account": account, "sessionExpiration": expires}
        with self.lock:
            self.identities[ident["accessKeyId"]] = ident
        return ident

    def take_fault(self, key):
        """Consume one unit of a counted fault; True if it applies to this request."""
        with self.lock:
            if self.faults.get(key, 0) > 0:
                self.faults[key] -= 1
                return True
            return False

    LOG_KEYS = ("kind", "operation", "domain", "owner", "region", "accessKeyId", "status", "path")

    def record(self, entry):
        entry = dict({k: None for k in self.LOG_KEYS}, **entry, time=round(time.time(), 3))
        with self.lock:
            self.log.append(entry)
            if self.log_file:
                with open(self.log_file, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry) + "\n")


# --------------------------------------------------------------------------- SigV4
def canonical_uri(raw_path):
    # Remove dot segments, then URI-encode the (already encoded) path once more:
    # non-S3 services double-encode, exactly as botocore and the AWS SDKs sign it.
    out = []
    for seg in raw_path.split("/"):
        if seg == "..":
            if out:
                out.pop()
        elif seg not in (".", ""):
            out.append(seg)
    path = "/" + "/".join(out) + ("/" if raw_path.endswith("/") and out else "")
    return quote(path, safe="/~")


def canonical_query(raw_query):
    pairs = []
    for part in raw_query.split("&") if raw_query else []:
        k, _, v = part.partition("=")
        # decode then re-encode with the RFC 3986 unreserved set, as the spec requires
        pairs.append((quote(unquote(k), safe="-_.~"), quote(unquote(v), safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def sign_key(secret, date, region, service):
    k = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode("utf-8"), hashlib.sha256).digest()
    return k


def verify_sigv4(state, method, raw_path, raw_query, headers, body, info, expected_service="codeartifact"):
    """Return (identity, region) or raise ApiError like the real service front end."""
    auth = headers.get("Authorization")
    if not auth:
        raise ApiError(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        raise ApiError(403, "IncompleteSignatureException",
                       "Authorization header requires 'AWS4-HMAC-SHA256' algorithm.")
    params = {}
    for item in auth[len("AWS4-HMAC-SHA256 "):].split(","):
        k, _, v = item.strip().partition("=")
        params[k] = v
    for need in ("Credential", "SignedHeaders", "Signature"):
        if not params.get(need):
            raise ApiError(403, "IncompleteSignatureException",
                           f"Authorization header requires '{need}' parameter. Authorization={auth.split(' ')[0]}")
    scope = params["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise ApiError(403, "IncompleteSignatureException", "Credential is malformed: expected <key>/<date>/<region>/<service>/aws4_request.")
    key_id, date, region, service, _ = scope
    info["accessKeyId"], info["region"] = key_id, region
    amz_date = headers.get("X-Amz-Date")
    if not amz_date:
        raise ApiError(403, "IncompleteSignatureException",
                       "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    try:
        signed_at = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        raise ApiError(403, "IncompleteSignatureException", f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'.")
    if date != amz_date[:8]:
        raise ApiError(403, "InvalidSignatureException",
                       f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                       f"'{date}' != '{amz_date[:8]}', from '{amz_date}'.")
    if service != expected_service:
        raise ApiError(403, "InvalidSignatureException",
                       f"Credential should be scoped to correct service: '{expected_service}'. ")
    if not REGION_RE.fullmatch(region):
        raise ApiError(403, "InvalidSignatureException", "Credential should be scoped to a valid region. ")
    now = time.time() + state.faults.get("clockSkewSeconds", 0)
    if signed_at < now - FIVE_MIN:
        raise ApiError(403, "InvalidSignatureException",
                       f"Signature expired: {amz_date} is now earlier than {amz_fmt(now - FIVE_MIN)} ({amz_fmt(now)} - 5 min.)")
    if signed_at > now + FIVE_MIN:
        raise ApiError(403, "InvalidSignatureException",
                       f"Signature not yet current: {amz_date} is still later than {amz_fmt(now + FIVE_MIN)} ({amz_fmt(now)} + 5 min.)")
    ident = state.identities.get(key_id)
    bad_key = ApiError(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
    if ident is None:
        raise bad_key
    if ident.get("sessionToken") is not None and not hmac.compare_digest(
            headers.get("X-Amz-Security-Token", ""), ident["sessionToken"]):
        raise bad_key
    if ident.get("expired"):
        raise ApiError(403, "ExpiredTokenException", "The security token included in the request is expired")
    signed = params["SignedHeaders"].split(";")
    if "host" not in signed:
        raise ApiError(403, "InvalidSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    canon_headers = "".join(
        f"{h}:{','.join(' '.join(v.split()) for v in (headers.get_all(h) or []))}\n" for h in signed)
    payload_hash = headers.get("X-Amz-Content-SHA256") or hashlib.sha256(body).hexdigest()
    creq = "\n".join([method, canonical_uri(raw_path), canonical_query(raw_query), canon_headers,
                      params["SignedHeaders"], payload_hash])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, f"{date}/{region}/{service}/aws4_request",
                     hashlib.sha256(creq.encode("utf-8")).hexdigest()])
    expected = hmac.new(sign_key(ident["secretAccessKey"], date, region, service), sts.encode("utf-8"),
                        hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, params["Signature"]):
        raise ApiError(403, "InvalidSignatureException",
                       "The request signature we calculated does not match the signature you provided. Check your AWS "
                       "Secret Access Key and signing method. Consult the service documentation for details.")
    return ident, region


# --------------------------------------------------------------------------- API operations
def validate(query, rules):
    """Coral-style member validation: rules = [(query name, member name, required, pattern)]."""
    errors, values = [], {}
    for qname, member, required, pattern in rules:
        value = query.get(qname)
        if value is None:
            if required:
                errors.append(f"Value null at '{member}' failed to satisfy constraint: Member must not be null")
        elif pattern and not re.fullmatch(pattern, value):
            errors.append(f"Value '{value}' at '{member}' failed to satisfy constraint: "
                          f"Member must satisfy regular expression pattern: {pattern}")
        values[member] = value
    return errors, values


def raise_validation(errors):
    if errors:
        n = len(errors)
        raise ApiError(400, "ValidationException",
                       f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(errors))


def find_domain(state, ident, op, name, owner, region, resource):
    owner = owner or ident["account"]
    dom = state.domains.get((name, owner, region))
    if dom is None:
        raise ApiError(404, "ResourceNotFoundException",
                       f"Domain not found. Domain '{name}' owned by account '{owner}' does not exist",
                       resourceId=name, resourceType="domain")
    allowed = dom["allowedArns"]
    if allowed is not None and ident["arn"] not in allowed:
        raise ApiError(403, "AccessDeniedException",
                       f"User: {ident['arn']} is not authorized to perform: codeartifact:{op} on resource: "
                       f"arn:aws:codeartifact:{region}:{owner}:{resource}")
    return dom, owner


def get_authorization_token(state, ident, region, query, info):
    errors, v = validate(query, [("domain", "domain", True, DOMAIN_PATTERN),
                                 ("domain-owner", "domainOwner", False, ACCOUNT_PATTERN)])
    duration = query.get("duration")
    if duration is not None:
        if not re.fullmatch(r"-?\d{1,18}", duration):
            errors.append(f"Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must be a number")
        elif int(duration) < 0:
            errors.append(f"Value '{duration}' at 'durationSeconds' failed to satisfy constraint: "
                          "Member must have value greater than or equal to 0")
        elif int(duration) > 43200:
            errors.append(f"Value '{duration}' at 'durationSeconds' failed to satisfy constraint: "
                          "Member must have value less than or equal to 43200")
    raise_validation(errors)
    info["domain"], info["owner"] = v["domain"], v["domainOwner"] or ident["account"]
    dom, owner = find_domain(state, ident, "GetAuthorizationToken", v["domain"], v["domainOwner"], region,
                             f"domain/{v['domain']}")
    seconds = 43200 if duration is None else int(duration)
    if 0 < seconds < 900:  # allowed by the model's range, refused by the service
        raise ApiError(400, "ValidationException",
                       "durationSeconds must be 0 or a value between 900 and 43200 seconds.",
                       reason="FIELD_VALIDATION_FAILED")
    now = time.time()
    if seconds == 0:  # as long as the caller's session; a fixed hour when there is none
        expires = float(ident.get("sessionExpiration") or now + 3600)
    else:
        expires = now + seconds
    expires = round(expires, 3)
    token = make_token(now, expires)
    with state.lock:
        state.tokens[hashlib.sha256(token.encode()).hexdigest()] = {
            "domain": v["domain"], "owner": owner, "region": region, "expires": expires, "revoked": False}
    return {"authorizationToken": token, "expiration": expires}


def make_token(now, expires):
    """A random string shaped like a real token: JWE compact form, five base64url segments, ~1.2k chars."""
    header = {"ver": 1, "isu": int(now), "enc": "A128GCM", "tag": b64u(secrets.token_bytes(16)),
              "exp": int(expires), "alg": "A128GCMKW", "iv": b64u(secrets.token_bytes(12))}
    segments = [b64u(json.dumps(header, separators=(",", ":")).encode()), b64u(secrets.token_bytes(16)),
                b64u(secrets.token_bytes(12)), b64u(secrets.token_bytes(700 + secrets.randbelow(100))),
                b64u(secrets.token_bytes(16))]
    return ".".join(segments)


def get_repository_endpoint(state, ident, region, query, info):
    errors, v = validate(query, [("domain", "domain", True, DOMAIN_PATTERN),
                                 ("domain-owner", "domainOwner", False, ACCOUNT_PATTERN),
                                 ("repository", "repository", True, REPO_PATTERN),
                                 ("format", "format", True, "|".join(FORMATS)),
                                 ("endpointType", "endpointType", False, "ipv4|dualstack")])
    raise_validation(errors)
    info["domain"], info["owner"] = v["domain"], v["domainOwner"] or ident["account"]
    dom, owner = find_domain(state, ident, "GetRepositoryEndpoint", v["domain"], v["domainOwner"], region,
                             f"repository/{v['domain']}/{v['repository']}")
    if v["repository"] not in dom["repositories"]:
        raise ApiError(404, "ResourceNotFoundException",
                       f"Repository not found. Repository '{v['repository']}' in domain '{v['domain']}' "
                       f"owned by account '{owner}' does not exist",
                       resourceId=v["repository"], resourceType="repository")
    if v["endpointType"] == "dualstack":
        host = f"{v['domain']}-{owner}.codeartifact.{region}.on.aws"
    else:
        host = f"{v['domain']}-{owner}.d.codeartifact.{region}.amazonaws.com"
    return {"repositoryEndpoint": f"https://{host}/{v['format']}/{v['repository']}/"}


OPERATIONS = {("POST", "/v1/authorization-token"): ("GetAuthorizationToken", get_authorization_token),
              ("GET", "/v1/repository/endpoint"): ("GetRepositoryEndpoint", get_repository_endpoint)}


# --------------------------------------------------------------------------- sign-in services
def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iso_utc(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class OidcError(ApiError):
    """SSO OIDC errors carry OAuth-style members: {"error": "...", "error_description": "..."}."""

    def __init__(self, status, name, error, description):
        super().__init__(status, name, description)
        self.body = {"error": error, "error_description": description}


def oidc_client(state, body):
    client = state.oidc_clients.get(body.get("clientId") or "")
    if client is None or client["secret"] != sha(body.get("clientSecret") or "") or client["expires"] < time.time():
        raise OidcError(401, "InvalidClientException", "invalid_client", "Invalid client credentials")
    return client


def register_client(state, body, info):
    if not body.get("clientName") or body.get("clientType") != "public":
        raise OidcError(400, "InvalidRequestException", "invalid_request", "clientName and clientType 'public' are required")
    client_id, secret, now = "emu-" + secrets.token_urlsafe(16), opaque(64), time.time()
    expires = int(now + 90 * 86400)
    with state.lock:
        state.oidc_clients[client_id] = {"secret": sha(secret), "expires": expires}
    return {"clientId": client_id, "clientSecret": secret, "clientIdIssuedAt": int(now), "clientSecretExpiresAt": expires}


def start_device_authorization(state, body, info, base_url):
    oidc_client(state, body)
    if not body.get("startUrl"):
        raise OidcError(400, "InvalidRequestException", "invalid_request", "startUrl is required")
    device_code, settings = opaque(32), state.sso_settings
    user_code = "-".join("".join(secrets.choice("BCDFGHJKLMNPQRSTVWXZ") for _ in range(4)) for _ in range(2))
    expires_in = int(settings["deviceCodeExpiresIn"])
    with state.lock:
        state.device_auths[sha(device_code)] = {
            "clientId": body["clientId"], "userCode": user_code, "startUrl": body["startUrl"],
            "expires": time.time() + expires_in, "polls": 0, "status": "pending"}
    info["userCode"] = user_code  # shown to the user anyway; not a secret
    return {"deviceCode": device_code, "userCode": user_code, "verificationUri": f"{base_url}/device",
            "verificationUriComplete": f"{base_url}/device?user_code={user_code}",
            "expiresIn": expires_in, "interval": int(settings["pollInterval"])}


def issue_sso_token(state, client_id, start_url):
    access, refresh = "aoa" + secrets.token_urlsafe(120), "aor" + secrets.token_urlsafe(120)
    expires_in = int(state.sso_settings["accessTokenExpiresIn"])
    with state.lock:
        state.sso_tokens[sha(access)] = {"expires": time.time() + expires_in, "startUrl": start_url}
        state.refresh_tokens[sha(refresh)] = {"clientId": client_id, "startUrl": start_url}
    return access, refresh, expires_in


def create_token(state, body, info):
    client = oidc_client(state, body)
    grant = body.get("grantType")
    info["grantType"] = grant
    if grant == "refresh_token":
        rec = state.refresh_tokens.get(sha(body.get("refreshToken") or ""))
        if rec is None or rec["clientId"] != body["clientId"]:
            raise OidcError(400, "InvalidGrantException", "invalid_grant", "Invalid refresh token provided")
        access, refresh, expires_in = issue_sso_token(state, body["clientId"], rec["startUrl"])
        return {"accessToken": access, "tokenType": "Bearer", "expiresIn": expires_in, "refreshToken": refresh}
    if grant != "urn:ietf:params:oauth:grant-type:device_code":
        raise OidcError(400, "UnsupportedGrantTypeException", "unsupported_grant_type", f"Unsupported grant type: {grant}")
    key = sha(body.get("deviceCode") or "")
    with state.lock:
        auth = state.device_auths.get(key)
        if auth is None or auth["clientId"] != body["clientId"]:
            raise OidcError(400, "InvalidGrantException", "invalid_grant", "Invalid device code provided")
        if auth["expires"] < time.time():
            raise OidcError(400, "ExpiredTokenException", "expired_token", "Device code has expired")
        auth["polls"] += 1
        after = state.sso_settings.get("autoApproveAfterPolls")
        if auth["status"] == "pending" and after is not None and auth["polls"] > int(after):
            auth["status"] = "approved"
        info["userCode"] = auth["userCode"]
        if auth["status"] == "denied":
            raise OidcError(400, "AccessDeniedException", "access_denied", "The user denied the authorization request")
        if auth["status"] != "approved":
            raise OidcError(400, "AuthorizationPendingException", "authorization_pending", "Authorization is still pending")
        del state.device_auths[key]
    access, refresh, expires_in = issue_sso_token(state, body["clientId"], auth["startUrl"])
    return {"accessToken": access, "tokenType": "Bearer", "expiresIn": expires_in, "refreshToken": refresh}


OIDC_OPERATIONS = {"/client/register": ("RegisterClient", register_client),
                   "/device_authorization": ("StartDeviceAuthorization", start_device_authorization),
                   "/token": ("CreateToken", create_token)}


def get_role_credentials(state, headers, query, info):
    token = headers.get("x-amz-sso_bearer_token") or ""
    rec = state.sso_tokens.get(sha(token))
    if rec is None or rec["expires"] < time.time():
        raise ApiError(401, "UnauthorizedException", "Session token not found or invalid")
    account, role = query.get("account_id"), query.get("role_name")
    info["owner"], info["role"] = account, role
    if not account or not role:
        raise ApiError(400, "InvalidRequestException", "account_id and role_name are required")
    if (account, role) not in state.sso_roles:
        raise ApiError(403, "ForbiddenException", "No access")
    expires = time.time() + 3600
    ident = state.issue_identity(account, f"arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_0123456789abcdef/emulator-user",
                                 expires)
    info["accessKeyId"] = ident["accessKeyId"]
    return {"roleCredentials": {"accessKeyId": ident["accessKeyId"], "secretAccessKey": ident["secretAccessKey"],
                                "sessionToken": ident["sessionToken"], "expiration": int(expires * 1000)}}


class StsError(ApiError):
    def __init__(self, status, code, message):
        super().__init__(status, code, message)


def assume_role(state, ident, params, info):
    role_arn, session = params.get("RoleArn", ""), params.get("RoleSessionName", "")
    info["role"] = role_arn
    if not role_arn or not re.fullmatch(r"[\w+=,.@-]{2,64}", session):
        raise StsError(400, "ValidationError", "RoleArn and a valid RoleSessionName are required")
    role = state.roles.get(role_arn)
    if role is None:
        raise StsError(403, "AccessDenied", f"User: {ident['arn']} is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
    if role.get("mfaSerial"):
        serial, code = params.get("SerialNumber"), params.get("TokenCode")
        info["mfa"] = "given" if serial and code else "missing"
        if not serial or not code:
            raise StsError(403, "AccessDenied", f"User: {ident['arn']} is not authorized to perform: sts:AssumeRole on resource: "
                                                f"{role_arn} (MultiFactorAuthentication required)")
        if serial != role["mfaSerial"] or not hmac.compare_digest(code, str(role.get("mfaCode", ""))):
            raise StsError(403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
    account = role_arn.split(":")[4]
    role_name = role_arn.rsplit("/", 1)[-1]
    expires = time.time() + int(params.get("DurationSeconds") or 3600)
    new = state.issue_identity(account, f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}", expires)
    info["assumedAccessKeyId"] = new["accessKeyId"]
    return (f"<AssumeRoleResult><Credentials><AccessKeyId>{new['accessKeyId']}</AccessKeyId>"
            f"<SecretAccessKey>{new['secretAccessKey']}</SecretAccessKey><SessionToken>{new['sessionToken']}</SessionToken>"
            f"<Expiration>{iso_utc(expires)}</Expiration></Credentials><AssumedRoleUser><Arn>{new['arn']}</Arn>"
            f"<AssumedRoleId>AROAEMULATOR:{session}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>")


def get_caller_identity(state, ident, params, info):
    return (f"<GetCallerIdentityResult><Arn>{ident['arn']}</Arn><UserId>{ident['accessKeyId']}</UserId>"
            f"<Account>{ident['account']}</Account></GetCallerIdentityResult>")


STS_OPERATIONS = {"AssumeRole": assume_role, "GetCallerIdentity": get_caller_identity}
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


# --------------------------------------------------------------------------- HTTP handler
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "CodeArtifactEmulator/1.0"

    def date_time_string(self, timestamp=None):
        # The Date header follows the emulator's (possibly skewed) clock, as a real server's Date follows
        # its own: clients that correct their clock from the Date header must see the skew there too.
        if timestamp is None:
            timestamp = time.time() + self.state.faults.get("clockSkewSeconds", 0)
        return super().date_time_string(timestamp)

    def log_message(self, *args):
        # The default access log prints request lines, which may hold user-info; keep quiet.
        pass

    @property
    def state(self):
        return self.server.state

    # ---- plumbing
    def read_body(self):
        # Always consume the whole body: connections are kept alive (HTTP/1.1).
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send(self, status, body=b"", ctype="text/plain; charset=utf-8", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj, headers=None):
        self.send(status, json.dumps(obj).encode("utf-8"), "application/json", headers)

    def do_GET(self):
        # Requests other than the admin API are counted while in flight, so that a reset can wait for a slow
        # (delayed) answer of an earlier test to finish instead of letting it land in the next test's log.
        counted = not self.path.startswith("/__emulator/")
        if counted:
            with self.state.lock:
                self.state.in_flight += 1
        try:
            self.dispatch()
        finally:
            if counted:
                with self.state.lock:
                    self.state.in_flight -= 1

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

    def do_CONNECT(self):
        # Tunnelling would make this an open proxy; it only ever answers for itself.
        self.close_connection = True
        self.state.record({"kind": "proxy", "operation": "Connect", "status": 405, "path": "CONNECT"})
        self.send(405, b"CONNECT is not supported: this emulator is not a proxy.\n", headers={"Allow": "GET, POST"})

    def dispatch(self):
        body = self.read_body()
        raw = self.path
        if raw.startswith("/"):  # origin-form: a direct request
            proxied, host = False, (self.headers.get("Host") or "")
            hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host
            port, path_query = None, raw
        else:  # absolute-form: we are being used as an HTTP proxy
            parts = urlsplit(raw)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return self.send(400, b"Bad request target.\n")
            proxied, hostname, port = True, parts.hostname, parts.port
            path_query = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        hostname = hostname.lower().rstrip(".")
        path, _, query = path_query.partition("?")
        m = INDEX_HOST_RE.fullmatch(hostname)
        if m:
            return self.handle_index(m, hostname, path)
        own_host = hostname in ("127.0.0.1", "localhost")
        if proxied and not (own_host and (port or 80) == self.server.server_address[1]):
            self.state.record({"kind": "proxy", "operation": "Refused", "status": 403, "path": hostname})
            return self.send(403, f"Refused: {hostname} is not a CodeArtifact host and this emulator never "
                                  "forwards requests.\n".encode("utf-8"))
        if path.startswith("/__emulator/"):
            if proxied or not own_host:
                return self.send(403, b"Admin endpoints answer direct requests to 127.0.0.1 only.\n")
            return self.handle_admin(path, body)
        # A proxied request to ourselves (SDK honouring HTTP_PROXY) is the same API call.
        if self.command == "GET" and path == "/federation/credentials":
            return self.handle_sso_portal(query)
        if self.command == "POST" and path in OIDC_OPERATIONS:
            return self.handle_oidc(path, body)
        if self.command == "GET" and path == "/device":
            return self.handle_device_page(query)
        if self.command == "GET" and path == "/container/credentials":
            return self.handle_container_credentials()
        if self.command == "POST" and path == "/" and b"Action=" in body:
            return self.handle_sts(path, query, body)
        return self.handle_api(path, query, body)

    # ---- AWS API
    def handle_api(self, path, query, body):
        state, rid = self.state, str(uuid.uuid4())
        op = OPERATIONS.get((self.command, path))
        info = {"kind": "api", "operation": op[0] if op else "Unknown", "domain": None, "owner": None,
                "region": None, "accessKeyId": None, "path": path + ("?" + query if query else "")}
        # Pre-fill the log entry from the request as sent, so even faulted requests say who asked for what.
        q = {}
        for k, v in parse_qsl(query, keep_blank_values=True):
            q.setdefault(k, v)
        info["domain"], info["owner"] = q.get("domain"), q.get("domain-owner")
        cred = re.search(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/", self.headers.get("Authorization") or "")
        if cred:
            info["accessKeyId"], info["region"] = cred.group(1), cred.group(2)
        # Faults first: they model the network and the service front end, before any work is done.
        if state.faults.get("delayMs") and state.take_fault("delayCount"):
            time.sleep(state.faults["delayMs"] / 1000.0)
        if state.take_fault("drop"):
            state.record(dict(info, status=0, errorType="Dropped"))
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        try:
            if state.take_fault("throttle"):
                raise ApiError(429, "ThrottlingException", "Rate exceeded")
            if state.take_fault("error500"):
                raise ApiError(500, "InternalServerException", "An internal error occurred. Try again later.")
            if state.take_fault("malformedJson"):
                state.record(dict(info, status=200, errorType="MalformedJson"))
                truncated = b'{"authorizationToken":"eyJ2ZXIiOjEsImlzdSI6MTcw' if op and op[0] == "GetAuthorizationToken" \
                    else b'{"repositoryEndpoint":"https://'
                return self.send(200, truncated, "application/json", {"x-amzn-RequestId": rid})
            if op is None:
                raise ApiError(404, "UnknownOperationException", "")
            ident, region = verify_sigv4(state, self.command, path, query, self.headers, body, info)
            result = op[1](state, ident, region, q, info)
        except ApiError as e:
            state.record(dict(info, status=e.status, errorType=e.name))
            return self.send_json(e.status, dict({"message": e.message}, **e.extra),
                                  {"x-amzn-RequestId": rid, "x-amzn-ErrorType": e.name + CORAL_SUFFIX})
        except Exception as e:  # never leak a traceback (could contain request data) to the client
            print(f"internal error: {type(e).__name__}", file=sys.stderr, flush=True)
            state.record(dict(info, status=500, errorType="InternalServerException"))
            return self.send_json(500, {"message": "Internal error"},
                                  {"x-amzn-RequestId": rid,
                                   "x-amzn-ErrorType": "InternalServerException" + CORAL_SUFFIX})
        state.record(dict(info, status=200))
        return self.send_json(200, result, {"x-amzn-RequestId": rid})

    # ---- sign-in services (SSO portal, SSO OIDC, STS): no faults, logged like the API
    def handle_sso_portal(self, query):
        rid = str(uuid.uuid4())
        info = {"kind": "sso", "operation": "GetRoleCredentials", "path": "/federation/credentials"}
        q = dict(parse_qsl(query, keep_blank_values=True))
        try:
            result = get_role_credentials(self.state, self.headers, q, info)
        except ApiError as e:
            self.state.record(dict(info, status=e.status, errorType=e.name))
            return self.send_json(e.status, {"message": e.message}, {"x-amzn-RequestId": rid, "x-amzn-ErrorType": e.name})
        self.state.record(dict(info, status=200))
        return self.send_json(200, result, {"x-amzn-RequestId": rid})

    def handle_oidc(self, path, body):
        rid = str(uuid.uuid4())
        name, func = OIDC_OPERATIONS[path]
        info = {"kind": "oidc", "operation": name, "path": path}
        try:
            try:
                request = json.loads(body or b"{}")
                if not isinstance(request, dict):
                    raise ValueError
            except ValueError:
                raise OidcError(400, "InvalidRequestException", "invalid_request", "The request body is not a JSON object")
            args = (self.state, request, info) + ((f"http://{BIND_HOST}:{self.server.server_address[1]}",)
                                                   if name == "StartDeviceAuthorization" else ())
            result = func(*args)
        except OidcError as e:
            self.state.record(dict(info, status=e.status, errorType=e.name))
            return self.send_json(e.status, e.body, {"x-amzn-RequestId": rid, "x-amzn-ErrorType": e.name})
        self.state.record(dict(info, status=200))
        return self.send_json(200, result, {"x-amzn-RequestId": rid})

    def handle_container_credentials(self):
        """An ECS/EKS-style container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI): a task role."""
        expires = time.time() + 3600
        ident = self.state.issue_identity("111122223333", "arn:aws:sts::111122223333:assumed-role/container-task/emulator", expires)
        self.state.record({"kind": "container", "operation": "ContainerCredentials", "status": 200, "accessKeyId": ident["accessKeyId"]})
        return self.send_json(200, {"AccessKeyId": ident["accessKeyId"], "SecretAccessKey": ident["secretAccessKey"],
                                    "Token": ident["sessionToken"], "Expiration": iso_utc(expires),
                                    "RoleArn": "arn:aws:iam::111122223333:role/container-task"})

    def handle_device_page(self, query):
        """The verification URL: visiting it stands for a signed-in user clicking "Allow"."""
        code = dict(parse_qsl(query)).get("user_code", "")
        with self.state.lock:
            matched = [a for a in self.state.device_auths.values() if a["userCode"] == code and a["status"] == "pending"]
            for a in matched:
                a["status"] = "approved"
        self.state.record({"kind": "sso", "operation": "DevicePage", "status": 200 if matched else 404, "userCode": code})
        text = "Request approved. You can close this window.\n" if matched else "No pending sign-in with that code.\n"
        return self.send(200 if matched else 404, text.encode("utf-8"))

    def handle_sts(self, path, query, body):
        rid = str(uuid.uuid4())
        params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        action = params.get("Action", "")
        info = {"kind": "sts", "operation": action or "Unknown", "path": "/"}
        cred = re.search(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/", self.headers.get("Authorization") or "")
        if cred:
            info["accessKeyId"], info["region"] = cred.group(1), cred.group(2)
        try:
            if action not in STS_OPERATIONS:
                raise StsError(400, "InvalidAction", f"Could not find operation {action} for version 2011-06-15")
            ident, _ = verify_sigv4(self.state, self.command, path, query, self.headers, body, info, "sts")
            inner = STS_OPERATIONS[action](self.state, ident, params, info)
        except ApiError as e:
            self.state.record(dict(info, status=e.status, errorType=e.name))
            fault = "Receiver" if e.status >= 500 else "Sender"
            xml = (f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>{fault}</Type><Code>{e.name}</Code>'
                   f'<Message>{xml_escape(e.message)}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>')
            return self.send(e.status, xml.encode("utf-8"), "text/xml", {"x-amzn-RequestId": rid})
        self.state.record(dict(info, status=200))
        xml = (f'<{action}Response xmlns="{STS_NS}">{inner}<ResponseMetadata><RequestId>{rid}</RequestId>'
               f'</ResponseMetadata></{action}Response>')
        return self.send(200, xml.encode("utf-8"), "text/xml", {"x-amzn-RequestId": rid})

    # ---- PEP 503 index
    def check_basic_auth(self, domain, owner, region):
        auth = self.headers.get("Authorization") or ""
        if not auth.lower().startswith("basic "):
            return False
        try:
            user, _, token = base64.b64decode(auth[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        rec = self.state.tokens.get(hashlib.sha256(token.encode("utf-8")).hexdigest())
        return (user == "aws" and rec is not None and not rec["revoked"] and rec["expires"] > time.time()
                and (rec["domain"], rec["owner"], rec["region"]) == (domain, owner, region))

    def handle_index(self, m, hostname, path):
        domain, owner, region = m.group("domain"), m.group("owner"), m.group("r1") or m.group("r2")
        entry = {"kind": "index", "operation": "Index", "domain": domain, "owner": owner, "region": region,
                 "accessKeyId": None, "path": path}

        def reply(status, body=b"", ctype="text/plain; charset=utf-8", headers=None):
            self.state.record(dict(entry, status=status))
            return self.send(status, body, ctype, headers)

        if not self.check_basic_auth(domain, owner, region):
            return reply(401, b"Unauthorized\n", headers={"WWW-Authenticate": f'Basic realm="{hostname}"'})
        pm = re.fullmatch(r"/pypi/([^/]+)/simple(/.*)?", path)
        dom = self.state.domains.get((domain, owner, region))
        if not pm or dom is None or unquote(pm.group(1)) not in dom["repositories"]:
            return reply(404, b"Not Found\n")
        repo = unquote(pm.group(1))
        parts = [p for p in (pm.group(2) or "").split("/") if p]
        if not parts:  # CodeArtifact has no root listing
            entry["operation"] = "IndexRoot"
            return reply(404, b"Not Found\n")
        project = normalize_project(unquote(parts[0]))
        wheels = [w for w in dom["repositories"][repo] if w["project"] == project]
        if len(parts) == 1:  # project page; the non-slash and non-normalized forms are accepted as is
            entry["operation"] = "IndexProjectPage"
            if not wheels:
                return reply(404, b"Not Found\n")
            base = f"http://{hostname}/pypi/{repo}/simple/{project}"
            links = "".join(
                f'<a href="{base}/{w["version"]}/{w["filename"]}#sha256={w["sha256"]}" '
                f'data-requires-python="&gt;=3.7">{w["filename"]}</a><br/>\n' for w in wheels)
            html = (f"<!DOCTYPE html>\n<html><head><title>Links for {project}</title></head>\n"
                    f"<body><h1>Links for {project}</h1>\n{links}</body></html>\n")
            return reply(200, html.encode("utf-8"), "text/html; charset=utf-8")
        if len(parts) == 3:
            entry["operation"] = "IndexDownload"
            for w in wheels:
                if w["version"] == unquote(parts[1]) and w["filename"] == unquote(parts[2]):
                    return reply(200, w["data"], "binary/octet-stream")
        return reply(404, b"Not Found\n")

    # ---- admin
    def handle_admin(self, path, body):
        state = self.state
        if path == "/__emulator/health" and self.command == "GET":
            return self.send_json(200, {"ok": True})
        if path == "/__emulator/requests" and self.command == "GET":
            with state.lock:
                return self.send_json(200, list(state.log))
        if path == "/__emulator/reset" and self.command == "POST":
            deadline = time.time() + 15
            while time.time() < deadline:
                with state.lock:
                    if state.in_flight == 0:
                        break
                time.sleep(0.05)
            with state.lock:
                state.log.clear()
                state.faults.clear()
                state.sso_settings = dict(state.sso_config)
                state.device_auths.clear()
            return self.send_json(200, {"ok": True})
        if path == "/__emulator/faults" and self.command in ("GET", "POST"):
            if self.command == "POST":
                try:
                    new = json.loads(body or b"{}")
                    bad = [k for k, v in new.items() if k not in State.FAULT_KEYS or not isinstance(v, (int, float))
                           or isinstance(v, bool) or (k != "clockSkewSeconds" and v < 0)]
                except (ValueError, AttributeError):
                    bad = ["<body is not a JSON object>"]
                if bad:
                    return self.send_json(400, {"message": f"Unknown or invalid faults: {bad}; "
                                                           f"known: {list(State.FAULT_KEYS)}"})
                with state.lock:
                    state.faults.update(new)
                    if new.get("delayMs") and "delayCount" not in new:
                        state.faults["delayCount"] = 1
            with state.lock:
                return self.send_json(200, dict(state.faults))
        if path == "/__emulator/expire-tokens" and self.command == "POST":
            with state.lock:
                for rec in state.tokens.values():
                    rec["revoked"] = True
                return self.send_json(200, {"expired": len(state.tokens)})
        if path in ("/__emulator/sso/approve", "/__emulator/sso/deny") and self.command == "POST":
            code = (json.loads(body or b"{}") or {}).get("userCode")
            status = "approved" if path.endswith("approve") else "denied"
            with state.lock:
                matched = [a for a in state.device_auths.values()
                           if a["status"] == "pending" and (code is None or a["userCode"] == code)]
                for a in matched:
                    a["status"] = status
            return self.send_json(200, {status: len(matched)})
        if path == "/__emulator/sso/pending" and self.command == "GET":
            with state.lock:
                return self.send_json(200, [{"userCode": a["userCode"], "polls": a["polls"], "status": a["status"]}
                                            for a in state.device_auths.values()])
        if path == "/__emulator/sso/settings" and self.command in ("GET", "POST"):
            if self.command == "POST":
                new = json.loads(body or b"{}") or {}
                bad = [k for k in new if k not in ("autoApproveAfterPolls", "deviceCodeExpiresIn", "pollInterval",
                                                   "accessTokenExpiresIn")]
                if bad:
                    return self.send_json(400, {"message": f"Unknown SSO settings: {bad}"})
                with state.lock:
                    state.sso_settings.update(new)
            with state.lock:
                return self.send_json(200, dict(state.sso_settings, roles=None))
        if path == "/__emulator/sso/tokens" and self.command == "POST":
            # A signed-in session as `aws sso login` would leave it, for tests that write an SSO cache file.
            req = json.loads(body or b"{}") or {}
            client_id, secret = "emu-" + secrets.token_urlsafe(16), opaque(64)
            reg_expires = time.time() + 90 * 86400
            with state.lock:
                state.oidc_clients[client_id] = {"secret": sha(secret), "expires": reg_expires}
            access, refresh, _ = issue_sso_token(state, client_id, req.get("startUrl", ""))
            expires = time.time() + float(req.get("expiresIn", 3600))
            with state.lock:
                state.sso_tokens[sha(access)]["expires"] = expires
            return self.send_json(200, {"accessToken": access, "expiresAt": iso_utc(expires), "refreshToken": refresh,
                                        "clientId": client_id, "clientSecret": secret,
                                        "registrationExpiresAt": iso_utc(reg_expires)})
        return self.send_json(404, {"message": f"No admin endpoint {self.command} {path}"})


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # client hang-ups are normal in fault tests; nothing useful to print


# --------------------------------------------------------------------------- main
def load_config(path):
    config = json.loads(json.dumps(DEFAULT_CONFIG))  # deep copy
    if path:
        with open(path, encoding="utf-8") as f:
            user = json.load(f)
        for key in ("identities", "domains", "roles"):
            if key in user:
                config[key] = user[key]
        config["sso"].update(user.get("sso") or {})
    for ident in config["identities"]:
        for k in ("accessKeyId", "secretAccessKey", "arn", "account"):
            if not isinstance(ident.get(k), str):
                raise ValueError(f"identity is missing string '{k}'")
    for d in config["domains"]:
        if not (re.fullmatch(DOMAIN_PATTERN, d.get("name", "")) and re.fullmatch(ACCOUNT_PATTERN, d.get("owner", ""))
                and REGION_RE.fullmatch(d.get("region", ""))):
            raise ValueError(f"domain entry needs a valid name, owner and region: {d.get('name')!r}")
    return config


def write_ready_file(path, port):
    data = json.dumps({"port": port, "pid": os.getpid(), "endpoint": f"http://{BIND_HOST}:{port}"})
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(data)
    os.replace(tmp, path)  # atomic: a reader never sees a half-written file


def main(argv=None):
    ap = argparse.ArgumentParser(description="Local AWS CodeArtifact emulator (API + PEP 503 index via HTTP proxy).")
    ap.add_argument("--host", default=BIND_HOST, help="bind address; only 127.0.0.1 is allowed")
    ap.add_argument("--port", type=int, default=0, help="TCP port (default 0: ephemeral)")
    ap.add_argument("--lifetime", type=float, default=1800, help="seconds until the process exits by itself")
    ap.add_argument("--ready-file", help="write {port,pid,endpoint} JSON here once listening")
    ap.add_argument("--config", help="JSON file with identities and domains")
    ap.add_argument("--log-file", help="append the request log here as JSON lines")
    args = ap.parse_args(argv)
    if args.host != BIND_HOST:
        ap.error("refusing to bind anything but 127.0.0.1")
    if not 0 < args.lifetime <= 86400:
        ap.error("--lifetime must be between 1 and 86400 seconds")
    try:
        state = State(load_config(args.config), args.log_file)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"invalid config: {e}", file=sys.stderr)
        return 2
    server = EmulatorServer((BIND_HOST, args.port), Handler)
    server.state = state
    port = server.server_address[1]

    def stop(*_):  # shutdown() blocks until serve_forever returns, so call it off the serving thread
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    lifetime_timer = threading.Timer(args.lifetime, stop)
    lifetime_timer.daemon = True
    lifetime_timer.start()
    # Hard backstops if a clean shutdown hangs: a timer thread, and on POSIX SIGALRM (default action kills).
    backstop = threading.Timer(args.lifetime + 10, lambda: os._exit(3))
    backstop.daemon = True
    backstop.start()
    if hasattr(signal, "alarm"):
        signal.alarm(int(args.lifetime) + 20)
    if args.ready_file:
        write_ready_file(args.ready_file, port)
    print(f"CodeArtifact emulator listening on http://{BIND_HOST}:{port} (pid {os.getpid()})", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    os._exit(0)  # do not wait for the lifetime timer thread or open keep-alive connections


if __name__ == "__main__":
    sys.exit(main())
