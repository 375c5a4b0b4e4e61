#!/usr/bin/env bash
# Kerberos and NTLM peers on loopback for the tests of exchange-auth: MIT krb5 KDCs and Apache
# with mod_auth_gssapi (SPNEGO, Kerberos, and NTLM through gss-ntlmssp).
#
#   kerberos.sh start <dir> <kdc-port> <http-port> [<skew-kdc-port> [<down-kdc-port>]]
#   kerberos.sh stop <dir>
#
# Everything lives under <dir>; nothing listens beyond 127.0.0.1 and no system configuration
# (/etc/krb5.conf, /etc/apache2) is read or written. Clients point KRB5_CONFIG at <dir>/krb5.conf.
#
# Realms:
#   EXAMPLE.TEST  KDC on 127.0.0.1:<kdc-port>; alice (password, +requires_preauth), svc-ews
#                 (random key, client keytab <dir>/svc-ews.keytab), HTTP/localhost (Apache's
#                 keytab <dir>/http.keytab, given to Apache as KRB5_KTNAME).
#   SKEW.TEST     a second KDC whose clock runs an hour ahead (libfaketime), for clock-skew
#                 errors; alice exists there too.
#   DOWN.TEST     a KDC that was started once and stopped: its port is closed.
# Apache on 127.0.0.1:<http-port>:
#   /negotiate/   Negotiate (SPNEGO) with Kerberos or NTLM inside
#   /kerberos/    Kerberos only
#   /ntlm/        NTLM only (gss-ntlmssp, users from <dir>/ntlm_users)
#   /negotiate-proxy/<port>/... and /ntlm-proxy/<port>/...  authenticated reverse proxy to
#                 http://127.0.0.1:<port>/..., with the user in the X-Remote-User request header.
# Every process started is recorded in <dir>/*.pid; `stop` signals exactly those process ids.
set -euo pipefail

readonly REALM=EXAMPLE.TEST SKEW_REALM=SKEW.TEST DOWN_REALM=DOWN.TEST
readonly USER=alice PASSWORD='alice-Pa55word' SERVICE_ACCOUNT=svc-ews
readonly SKEW_OFFSET='+1h'   # MIT allows 300 s of skew
readonly MODULES=/usr/lib/apache2/modules

die() { echo "kerberos.sh: $*" >&2; exit 1; }

need() {
  for program in "$@"; do
    command -v "$program" >/dev/null 2>&1 || die "$program is not installed"
  done
}

# libfaketime's library (Debian: package faketime).
libfaketime() {
  local candidate
  for candidate in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 \
    /usr/lib64/faketime/libfaketime.so.1; do
    [[ -f $candidate ]] && { echo "$candidate"; return 0; }
  done
  die "libfaketime.so.1 is not installed (package faketime)"
}

is_port() { [[ $1 =~ ^[0-9]{1,5}$ ]] && ((10#$1 > 0 && 10#$1 < 65536)); }

# The clients' configuration: all three realms, TCP only (a closed port fails at once), no DNS.
write_krb5_conf() {
  local dir=$1 kdc=$2 skew=$3 down=$4
  cat >"$dir/krb5.conf" <<EOF
[libdefaults]
  default_realm = $REALM
  dns_lookup_realm = false
  dns_lookup_kdc = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
  # Report clock skew instead of silently adopting the KDC's clock.
  kdc_timesync = 0
  default_ccache_name = FILE:$dir/default.ccache
  default_client_keytab_name = FILE:$dir/no-default-client.keytab
  max_retries = 1
[realms]
  $REALM = {
    kdc = 127.0.0.1:$kdc
  }
  $SKEW_REALM = {
    kdc = 127.0.0.1:$skew
  }
  $DOWN_REALM = {
    kdc = 127.0.0.1:$down
  }
[domain_realm]
  localhost = $REALM
  .localhost = $REALM
EOF
}

# One KDC profile per realm: each realm has its own krb5kdc process.
write_kdc_conf() {
  local dir=$1 realm=$2 port=$3 name=$4
  mkdir -p "$dir/$name"
  cat >"$dir/$name/kdc.conf" <<EOF
[kdcdefaults]
  kdc_ports = $port
  kdc_tcp_ports = $port
[realms]
  $realm = {
    database_name = $dir/$name/principal
    key_stash_file = $dir/$name/stash
    acl_file = $dir/$name/kadm5.acl
    kdc_ports = $port
    kdc_tcp_ports = $port
    kdc_listen = 127.0.0.1:$port
    kdc_tcp_listen = 127.0.0.1:$port
    max_life = 10h
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
  }
[logging]
  kdc = FILE:$dir/$name/kdc.log
EOF
  : >"$dir/$name/kadm5.acl"
}

kadmin() {
  local dir=$1 name=$2 realm=$3
  shift 3
  KRB5_KDC_PROFILE="$dir/$name/kdc.conf" kadmin.local -r "$realm" -q "$*" >>"$dir/$name/kadmin.log" 2>&1 ||
    die "kadmin.local $realm: $* failed (see $dir/$name/kadmin.log)"
}

create_realm() {
  local dir=$1 name=$2 realm=$3
  KRB5_KDC_PROFILE="$dir/$name/kdc.conf" kdb5_util create -s -r "$realm" -P "master-$RANDOM$RANDOM" \
    >"$dir/$name/kdb5_util.log" 2>&1 || die "kdb5_util create $realm failed"
  kadmin "$dir" "$name" "$realm" "addprinc +requires_preauth -pw $PASSWORD $USER"
}

# Starts krb5kdc in the foreground (-n), after the given `env …` prefix if any (env execs, so
# the pid stays the KDC's), and records its pid in <dir>/<name>.pid.
start_kdc() {
  local dir=$1 name=$2 realm=$3 port=$4
  shift 4
  KRB5_KDC_PROFILE="$dir/$name/kdc.conf" "$@" krb5kdc -n -r "$realm" >"$dir/$name/krb5kdc.out" 2>&1 &
  echo $! >"$dir/$name.pid"
  wait_for_port "$port" "krb5kdc for $realm" "$dir/$name.pid"
}

wait_for_port() {
  local port=$1 what=$2 pidfile=$3
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || die "$what exited at start"
    sleep 0.1
  done
  die "$what does not listen on 127.0.0.1:$port"
}

stop_pid_file() {
  local file=$1 pid
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# One protected location: every directive spelled out (no merging between sections).
gssapi_location() {
  local path=$1 name=$2
  shift 2
  echo "<Location \"$path\">"
  echo "  AuthType GSSAPI"
  echo "  AuthName \"$name\""
  for mech in "$@"; do echo "  GssapiAllowedMech $mech"; done
  echo "  GssapiBasicAuth Off"
  echo "  GssapiLocalName Off"
  echo "  GssapiConnectionBound On"
  echo "  Require valid-user"
  echo "  Header always set X-Remote-User \"expr=%{REMOTE_USER}\""
  echo "</Location>"
}

write_httpd_conf() {
  local dir=$1 port=$2 user_lines=""
  if [[ $(id -u) == 0 ]]; then
    user_lines=$'User www-data\nGroup www-data'
  fi
  mkdir -p "$dir/www/negotiate" "$dir/www/kerberos" "$dir/www/ntlm"
  for location in negotiate kerberos ntlm; do echo "$location ok" >"$dir/www/$location/index.html"; done
  cat >"$dir/httpd.conf" <<EOF
ServerRoot "$dir"
ServerName localhost
Listen 127.0.0.1:$port
PidFile "$dir/httpd.pid"
Mutex file:$dir
ErrorLog "$dir/apache-error.log"
LogLevel warn auth_gssapi:debug
LogFormat "%h %u \"%r\" %>s" simple
CustomLog "$dir/apache-access.log" simple
$user_lines
LoadModule mpm_event_module $MODULES/mod_mpm_event.so
LoadModule authn_core_module $MODULES/mod_authn_core.so
LoadModule authz_core_module $MODULES/mod_authz_core.so
LoadModule authz_user_module $MODULES/mod_authz_user.so
LoadModule headers_module $MODULES/mod_headers.so
LoadModule dir_module $MODULES/mod_dir.so
LoadModule rewrite_module $MODULES/mod_rewrite.so
LoadModule proxy_module $MODULES/mod_proxy.so
LoadModule proxy_http_module $MODULES/mod_proxy_http.so
LoadModule auth_gssapi_module $MODULES/mod_auth_gssapi.so
DirectoryIndex index.html
KeepAlive On
MaxKeepAliveRequests 1000
# NTLM authenticates a connection: every leg of a handshake must find it open, also on a
# loaded test machine (the default closes an idle connection after 5 s).
KeepAliveTimeout 60
DocumentRoot "$dir/www"
<Directory "$dir/www">
  Require all granted
</Directory>
ProxyRequests Off
RewriteEngine On
# Only digits as the port, only 127.0.0.1 as the destination.
RewriteRule "^/negotiate-proxy/([0-9]{1,5})/(.*)\$" "http://127.0.0.1:\$1/\$2" [P,NE]
RewriteRule "^/ntlm-proxy/([0-9]{1,5})/(.*)\$" "http://127.0.0.1:\$1/\$2" [P,NE]
RewriteRule "^/(negotiate|ntlm)-proxy/" - [F]
$(gssapi_location /negotiate/ "Negotiate" krb5 ntlmssp)
$(gssapi_location /negotiate-proxy/ "Negotiate" krb5 ntlmssp)
$(gssapi_location /kerberos/ "Kerberos" krb5)
$(gssapi_location /ntlm/ "NTLM" ntlmssp)
$(gssapi_location /ntlm-proxy/ "NTLM" ntlmssp)
<LocationMatch "^/(negotiate|ntlm)-proxy/">
  RequestHeader set X-Remote-User "expr=%{REMOTE_USER}"
</LocationMatch>
EOF
}

cmd_start() {
  (($# >= 3)) || die "usage: start <dir> <kdc-port> <http-port> [<skew-kdc-port> [<down-kdc-port>]]"
  local dir kdc=$2 http=$3 skew=${4:-} down=${5:-}
  need krb5kdc kdb5_util kadmin.local apache2 faketime
  [[ -f $MODULES/mod_auth_gssapi.so ]] || die "mod_auth_gssapi is not installed"
  [[ -z $skew ]] && skew=$((kdc + 1))
  [[ -z $down ]] && down=$((kdc + 2))
  for port in "$kdc" "$http" "$skew" "$down"; do is_port "$port" || die "not a port: $port"; done
  mkdir -p "$1"
  dir=$(cd "$1" && pwd)
  # Apache's children (www-data when root) read the keytab and the NTLM users below.
  chmod 755 "$dir"

  export KRB5_CONFIG="$dir/krb5.conf"
  write_krb5_conf "$dir" "$kdc" "$skew" "$down"

  write_kdc_conf "$dir" "$REALM" "$kdc" example
  create_realm "$dir" example "$REALM"
  kadmin "$dir" example "$REALM" "addprinc -randkey $SERVICE_ACCOUNT"
  kadmin "$dir" example "$REALM" "ktadd -k $dir/$SERVICE_ACCOUNT.keytab $SERVICE_ACCOUNT"
  kadmin "$dir" example "$REALM" "addprinc -randkey HTTP/localhost"
  kadmin "$dir" example "$REALM" "ktadd -k $dir/http.keytab HTTP/localhost"
  start_kdc "$dir" example "$REALM" "$kdc"

  write_kdc_conf "$dir" "$SKEW_REALM" "$skew" skew
  create_realm "$dir" skew "$SKEW_REALM"
  # libfaketime preloaded into krb5kdc itself (the `faketime` wrapper would fork, and the
  # recorded pid would be the wrapper's, not the KDC's).
  start_kdc "$dir" skew "$SKEW_REALM" "$skew" env LD_PRELOAD="$(libfaketime)" FAKETIME="$SKEW_OFFSET" \
    FAKETIME_DONT_FAKE_MONOTONIC=1

  # A real KDC for DOWN.TEST, started and stopped again: its realm exists, its port is closed.
  write_kdc_conf "$dir" "$DOWN_REALM" "$down" down
  create_realm "$dir" down "$DOWN_REALM"
  start_kdc "$dir" down "$DOWN_REALM" "$down"
  stop_pid_file "$dir/down.pid"

  printf ':%s:%s\n' "$USER" "$PASSWORD" >"$dir/ntlm_users"
  if [[ $(id -u) == 0 ]]; then
    chgrp www-data "$dir/http.keytab" "$dir/ntlm_users"
    chmod 640 "$dir/http.keytab" "$dir/ntlm_users"
  fi
  write_httpd_conf "$dir" "$http"
  # Apache's keytab comes from the environment: with GssapiCredStore, mod_auth_gssapi would
  # hand the keytab store to every SPNEGO mechanism, gss-ntlmssp included.
  KRB5_KTNAME="FILE:$dir/http.keytab" NTLM_USER_FILE="$dir/ntlm_users" apache2 -f "$dir/httpd.conf" -DFOREGROUND >"$dir/apache.out" 2>&1 &
  echo $! >"$dir/apache.pid"
  wait_for_port "$http" apache2 "$dir/apache.pid"
  echo "kerberos rig up in $dir: KDC 127.0.0.1:$kdc, HTTP 127.0.0.1:$http"
}

cmd_stop() {
  (($# == 1)) || die "usage: stop <dir>"
  local dir=$1
  [[ -d $dir ]] || return 0
  for name in apache example skew down; do stop_pid_file "$dir/$name.pid"; done
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) die "usage: kerberos.sh start <dir> <kdc-port> <http-port> [<skew-kdc-port> [<down-kdc-port>]] | stop <dir>" ;;
esac
