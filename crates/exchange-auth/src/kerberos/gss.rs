//! A small, safe wrapper over the GSSAPI of MIT Kerberos (`libgssapi_krb5.so.2`), loaded at run
//! time.
//!
//! Only what Kerberos over SPNEGO needs is declared here, by hand from RFC 2744 and MIT's
//! `gssapi.h`/`gssapi_ext.h`. Loading at run time keeps the crate buildable everywhere (no
//! headers, no libclang, no link-time dependency); a machine without MIT Kerberos gets
//! [`AuthError::GssapiUnavailable`] when a Kerberos strategy is first used.
//!
//! Every handle type here owns its GSSAPI object and releases it when dropped. All calls block
//! (acquiring credentials and the first context step talk to the KDC): callers run them on a
//! blocking thread.

// FFI: the GSSAPI is a C library; every call and every raw handle is confined to this module.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;
use std::sync::OnceLock;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::AuthError;

/// `OM_uint32` of RFC 2744.
type OmUint32 = u32;

#[repr(C)]
struct BufferDesc {
    length: usize,
    value: *mut c_void,
}

impl BufferDesc {
    const EMPTY: Self = Self {
        length: 0,
        value: ptr::null_mut(),
    };

    /// A descriptor borrowing `bytes` (the library only reads input buffers).
    fn borrowing(bytes: &[u8]) -> Self {
        Self {
            length: bytes.len(),
            value: bytes.as_ptr().cast_mut().cast(),
        }
    }
}

#[repr(C)]
struct OidDesc {
    length: OmUint32,
    elements: *mut c_void,
}

#[repr(C)]
struct OidSetDesc {
    count: usize,
    elements: *mut OidDesc,
}

#[repr(C)]
struct ChannelBindingsDesc {
    initiator_addrtype: OmUint32,
    initiator_address: BufferDesc,
    acceptor_addrtype: OmUint32,
    acceptor_address: BufferDesc,
    application_data: BufferDesc,
}

#[repr(C)]
struct KeyValueElement {
    key: *const c_char,
    value: *const c_char,
}

#[repr(C)]
struct KeyValueSet {
    count: OmUint32,
    elements: *const KeyValueElement,
}

type NameT = *mut c_void;
type CredT = *mut c_void;
type CtxT = *mut c_void;

type ImportNameFn =
    unsafe extern "C" fn(*mut OmUint32, *mut BufferDesc, *mut OidDesc, *mut NameT) -> OmUint32;
type ReleaseNameFn = unsafe extern "C" fn(*mut OmUint32, *mut NameT) -> OmUint32;
type AcquireCredFromFn = unsafe extern "C" fn(
    *mut OmUint32,
    NameT,
    OmUint32,
    *mut OidSetDesc,
    c_int,
    *const KeyValueSet,
    *mut CredT,
    *mut *mut OidSetDesc,
    *mut OmUint32,
) -> OmUint32;
type AcquireCredWithPasswordFn = unsafe extern "C" fn(
    *mut OmUint32,
    NameT,
    *mut BufferDesc,
    OmUint32,
    *mut OidSetDesc,
    c_int,
    *mut CredT,
    *mut *mut OidSetDesc,
    *mut OmUint32,
) -> OmUint32;
type SetNegMechsFn = unsafe extern "C" fn(*mut OmUint32, CredT, *mut OidSetDesc) -> OmUint32;
type ReleaseCredFn = unsafe extern "C" fn(*mut OmUint32, *mut CredT) -> OmUint32;
type InitSecContextFn = unsafe extern "C" fn(
    *mut OmUint32,
    CredT,
    *mut CtxT,
    NameT,
    *mut OidDesc,
    OmUint32,
    OmUint32,
    *mut ChannelBindingsDesc,
    *mut BufferDesc,
    *mut *mut OidDesc,
    *mut BufferDesc,
    *mut OmUint32,
    *mut OmUint32,
) -> OmUint32;
type DeleteSecContextFn =
    unsafe extern "C" fn(*mut OmUint32, *mut CtxT, *mut BufferDesc) -> OmUint32;
type ReleaseBufferFn = unsafe extern "C" fn(*mut OmUint32, *mut BufferDesc) -> OmUint32;
type DisplayStatusFn = unsafe extern "C" fn(
    *mut OmUint32,
    OmUint32,
    c_int,
    *mut OidDesc,
    *mut OmUint32,
    *mut BufferDesc,
) -> OmUint32;

const GSS_C_INDEFINITE: OmUint32 = 0xffff_ffff;
const GSS_C_INITIATE: c_int = 1;
const GSS_C_GSS_CODE: c_int = 1;
const GSS_C_MECH_CODE: c_int = 2;
const GSS_C_AF_UNSPEC: OmUint32 = 0;
/// `GSS_C_MUTUAL_FLAG`: the server proves its identity in its last token.
pub(crate) const GSS_C_MUTUAL_FLAG: OmUint32 = 2;
const GSS_C_SEQUENCE_FLAG: OmUint32 = 8;
/// `GSS_S_CONTINUE_NEEDED`, a supplementary bit of a major status.
const GSS_S_CONTINUE_NEEDED: OmUint32 = 1;
/// The calling-error and routine-error bits of a major status.
const GSS_ERROR_MASK: OmUint32 = 0xffff_0000;
/// `GSS_S_NO_CRED`.
pub(crate) const GSS_S_NO_CRED: OmUint32 = 7 << 16;
/// `GSS_S_CREDENTIALS_EXPIRED`.
pub(crate) const GSS_S_CREDENTIALS_EXPIRED: OmUint32 = 11 << 16;
/// `GSS_S_BAD_NAME`.
pub(crate) const GSS_S_BAD_NAME: OmUint32 = 2 << 16;

/// DER contents of the OIDs used here.
const OID_SPNEGO: &[u8] = b"\x2b\x06\x01\x05\x05\x02"; // 1.3.6.1.5.5.2
const OID_KRB5: &[u8] = b"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"; // 1.2.840.113554.1.2.2
const OID_NT_HOSTBASED_SERVICE: &[u8] = b"\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"; // …1.2.1.4
const OID_KRB5_NT_PRINCIPAL_NAME: &[u8] = b"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x01"; // …1.2.2.1

/// The longest name or principal accepted (MIT allows far less in practice).
const MAX_NAME: usize = 1024;

/// An OID descriptor pointing into one of the constants above (read only by the library).
fn oid(der: &'static [u8]) -> OidDesc {
    OidDesc {
        length: OmUint32::try_from(der.len()).expect("OID constants are a few bytes"),
        elements: der.as_ptr().cast_mut().cast(),
    }
}

/// The functions of the loaded library.
struct Library {
    import_name: ImportNameFn,
    release_name: ReleaseNameFn,
    acquire_cred_from: AcquireCredFromFn,
    acquire_cred_with_password: AcquireCredWithPasswordFn,
    set_neg_mechs: SetNegMechsFn,
    release_cred: ReleaseCredFn,
    init_sec_context: InitSecContextFn,
    delete_sec_context: DeleteSecContextFn,
    release_buffer: ReleaseBufferFn,
    display_status: DisplayStatusFn,
    // Never unloaded: the function pointers above point into it.
    _library: libloading::Library,
}

/// The names the library is looked up under: the versioned name MIT installs (Debian's
/// `libgssapi-krb5-2`, Fedora's `krb5-libs`), then the development symlink.
const LIBRARY_NAMES: [&str; 2] = ["libgssapi_krb5.so.2", "libgssapi_krb5.so"];

fn library() -> Result<&'static Library, AuthError> {
    static LOADED: OnceLock<Result<Library, String>> = OnceLock::new();
    LOADED
        .get_or_init(load)
        .as_ref()
        .map_err(|detail| AuthError::GssapiUnavailable {
            detail: detail.clone(),
        })
}

fn load() -> Result<Library, String> {
    let mut failures = Vec::new();
    for name in LIBRARY_NAMES {
        // SAFETY: loading MIT's GSSAPI library runs its initialisers, which only set up
        // its own global state (error tables, mutexes); it is a system library made to be
        // loaded into any process.
        match unsafe { libloading::Library::new(name) } {
            Ok(library) => return resolve(library).map_err(|e| format!("{name}: {e}")),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    Err(failures.join("; "))
}

fn resolve(library: libloading::Library) -> Result<Library, libloading::Error> {
    // SAFETY: each symbol is read with the C signature MIT's gssapi.h/gssapi_ext.h declares
    // for it (RFC 2744 plus MIT's extensions); the library outlives the copied pointers since
    // it is stored next to them and never unloaded.
    unsafe {
        Ok(Library {
            import_name: *library.get::<ImportNameFn>(b"gss_import_name\0")?,
            release_name: *library.get::<ReleaseNameFn>(b"gss_release_name\0")?,
            acquire_cred_from: *library.get::<AcquireCredFromFn>(b"gss_acquire_cred_from\0")?,
            acquire_cred_with_password: *library
                .get::<AcquireCredWithPasswordFn>(b"gss_acquire_cred_with_password\0")?,
            set_neg_mechs: *library.get::<SetNegMechsFn>(b"gss_set_neg_mechs\0")?,
            release_cred: *library.get::<ReleaseCredFn>(b"gss_release_cred\0")?,
            init_sec_context: *library.get::<InitSecContextFn>(b"gss_init_sec_context\0")?,
            delete_sec_context: *library.get::<DeleteSecContextFn>(b"gss_delete_sec_context\0")?,
            release_buffer: *library.get::<ReleaseBufferFn>(b"gss_release_buffer\0")?,
            display_status: *library.get::<DisplayStatusFn>(b"gss_display_status\0")?,
            _library: library,
        })
    }
}

/// A failed GSSAPI call: its major and minor status and the library's explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GssFailure {
    /// The major status (GSSAPI routine error).
    pub(crate) major: u32,
    /// The minor status (for Kerberos, a code of MIT's krb5 error table).
    pub(crate) minor: u32,
    /// The messages of both, from `gss_display_status`.
    pub(crate) message: String,
}

/// Why a wrapper call failed before or inside the library.
#[derive(Debug, Clone)]
pub(crate) enum GssError {
    /// The library is not installed or misses a function.
    Unavailable(AuthError),
    /// The input cannot be passed to the library (a NUL in a name, a name too long).
    BadInput(&'static str),
    /// The library refused.
    Failed(GssFailure),
}

impl From<AuthError> for GssError {
    fn from(e: AuthError) -> Self {
        Self::Unavailable(e)
    }
}

fn failed(lib: &Library, major: OmUint32, minor: OmUint32) -> GssError {
    let mut message = display(lib, major, GSS_C_GSS_CODE);
    if minor != 0 {
        let mech = display(lib, minor, GSS_C_MECH_CODE);
        if !mech.is_empty() {
            message.push_str(": ");
            message.push_str(&mech);
        }
    }
    GssError::Failed(GssFailure {
        major,
        minor,
        message,
    })
}

/// All messages of one status value, joined.
fn display(lib: &Library, status: OmUint32, kind: c_int) -> String {
    let mut parts = Vec::new();
    let mut more: OmUint32 = 0;
    // gss_display_status yields one message per call; a handful is all MIT ever produces.
    for _ in 0..8 {
        let mut minor: OmUint32 = 0;
        let mut buffer = BufferDesc::EMPTY;
        // Minor codes are Kerberos' unless the library recorded another mechanism for them.
        let mut krb5 = oid(OID_KRB5);
        // SAFETY: all pointers are to live locals (the OID to a static); `buffer` is released
        // below by the library that filled it.
        let major = unsafe {
            (lib.display_status)(&mut minor, status, kind, &mut krb5, &mut more, &mut buffer)
        };
        if major & GSS_ERROR_MASK != 0 {
            break;
        }
        // SAFETY: on success `buffer` describes `length` readable bytes owned by the library.
        let text = unsafe { buffer_bytes(&buffer) };
        parts.push(
            String::from_utf8_lossy(text)
                .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                .to_owned(),
        );
        release_buffer(lib, &mut buffer);
        if more == 0 {
            break;
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join("; ")
}

/// The bytes a library-filled buffer describes.
///
/// # Safety
///
/// `buffer` must describe `length` readable bytes (or be empty), valid until released.
unsafe fn buffer_bytes(buffer: &BufferDesc) -> &[u8] {
    if buffer.value.is_null() || buffer.length == 0 {
        &[]
    } else {
        // SAFETY: the caller promises `length` readable bytes at `value`.
        unsafe { std::slice::from_raw_parts(buffer.value.cast::<u8>(), buffer.length) }
    }
}

fn release_buffer(lib: &Library, buffer: &mut BufferDesc) {
    if buffer.value.is_null() {
        return;
    }
    let mut minor = 0;
    // SAFETY: `buffer` was filled by this library and is released exactly once (the library
    // resets it to empty).
    unsafe { (lib.release_buffer)(&mut minor, buffer) };
}

/// Rejects input the C library would read differently from what the caller meant: empty, too
/// long, or with control characters (NUL among them, where C would cut the text).
pub(crate) fn check_text(text: &str, what: &'static str) -> Result<(), GssError> {
    if text.is_empty() || text.len() > MAX_NAME || text.chars().any(char::is_control) {
        return Err(GssError::BadInput(what));
    }
    Ok(())
}

/// An imported GSSAPI name (`gss_name_t`).
pub(crate) struct Name {
    lib: &'static Library,
    raw: NameT,
}

// SAFETY: a gss_name_t is immutable after import and MIT's name functions take no hidden
// thread-local state; it may be used from, and released on, any thread.
unsafe impl Send for Name {}
// SAFETY: as above; shared use only reads the name.
unsafe impl Sync for Name {}

impl Name {
    /// The host-based service name `service@host` (`HTTP@mail.contoso.test`).
    pub(crate) fn host_based_service(service_at_host: &str) -> Result<Self, GssError> {
        check_text(
            service_at_host,
            "the service name is empty, too long or has control characters",
        )?;
        Self::import(service_at_host, OID_NT_HOSTBASED_SERVICE)
    }

    /// A Kerberos principal (`alice`, `alice@EXAMPLE.TEST`, `svc-ews@EXAMPLE.TEST`).
    pub(crate) fn principal(principal: &str) -> Result<Self, GssError> {
        check_text(
            principal,
            "the principal is empty, too long or has control characters",
        )?;
        Self::import(principal, OID_KRB5_NT_PRINCIPAL_NAME)
    }

    fn import(text: &str, name_type: &'static [u8]) -> Result<Self, GssError> {
        let lib = library()?;
        let mut minor = 0;
        let mut raw: NameT = ptr::null_mut();
        let mut buffer = BufferDesc::borrowing(text.as_bytes());
        let mut name_type = oid(name_type);
        // SAFETY: `buffer` borrows `text`, which outlives the call; the name type OID points
        // to a static; `raw` receives a new name owned by the returned value.
        let major = unsafe { (lib.import_name)(&mut minor, &mut buffer, &mut name_type, &mut raw) };
        if major & GSS_ERROR_MASK != 0 {
            return Err(failed(lib, major, minor));
        }
        Ok(Self { lib, raw })
    }
}

impl Drop for Name {
    fn drop(&mut self) {
        let mut minor = 0;
        // SAFETY: `raw` came from gss_import_name and is released once.
        unsafe { (self.lib.release_name)(&mut minor, &mut self.raw) };
    }
}

/// One value of a credential store, NUL-terminated, wiped when dropped (it may be a password).
pub(crate) struct StoreValue(Zeroizing<Vec<u8>>);

impl StoreValue {
    /// A store value; refuses NULs (C would cut the value there).
    pub(crate) fn new(value: &str) -> Result<Self, GssError> {
        if value.is_empty() || value.contains('\0') {
            return Err(GssError::BadInput(
                "a credential store value is empty or contains NUL",
            ));
        }
        let mut bytes = Zeroizing::new(Vec::with_capacity(value.len() + 1));
        bytes.extend_from_slice(value.as_bytes());
        bytes.push(0);
        Ok(Self(bytes))
    }
}

/// The credential store keys used here (MIT's `gss_acquire_cred_from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoreKey {
    /// `ccache`: the credential cache to read tickets from and store them in.
    Ccache,
    /// `client_keytab`: the keytab to get initial tickets with.
    ClientKeytab,
}

impl StoreKey {
    fn c_name(self) -> &'static CStr {
        match self {
            Self::Ccache => c"ccache",
            Self::ClientKeytab => c"client_keytab",
        }
    }
}

/// An acquired `gss_cred_id_t`, released when dropped.
struct RawCredential {
    lib: &'static Library,
    raw: CredT,
}

impl Drop for RawCredential {
    fn drop(&mut self) {
        let mut minor = 0;
        // SAFETY: `raw` came from an acquire call and is released once.
        unsafe { (self.lib.release_cred)(&mut minor, &mut self.raw) };
    }
}

/// Initiator credentials: a SPNEGO credential restricted to Kerberos, used for contexts, and
/// the plain Kerberos credential it was checked with.
///
/// The Kerberos credential is acquired first and alone: MIT reports its failures with the
/// codes of the krb5 error table (wrong password, unknown principal, KDC unreachable), while
/// through SPNEGO the error of another installed mechanism (gss-ntlmssp) can hide them, and
/// the codes come back renumbered.
pub(crate) struct Credential {
    spnego: RawCredential,
    krb5: RawCredential,
    /// Seconds the credential stays valid, when the library knows.
    lifetime: Option<u32>,
}

// SAFETY: MIT guards its credential records with a mutex and refreshes them under it, so one
// credential may be used by several contexts on several threads; each is released once, on
// drop.
unsafe impl Send for Credential {}
// SAFETY: see `Send`; after `gss_set_neg_mechs` (done before sharing) they are only read.
unsafe impl Sync for Credential {}

impl Credential {
    /// Acquires initiator credentials for `name` (or the cache's principal) from a credential
    /// store. No entries: the default cache. `ccache` alone: that cache. `client_keytab` with
    /// `ccache`: tickets from the keytab, kept in the cache.
    pub(crate) fn acquire(
        name: Option<&Name>,
        store: &[(StoreKey, StoreValue)],
    ) -> Result<Self, GssError> {
        let lib = library()?;
        let (krb5, lifetime) = acquire_from(lib, name, store, OID_KRB5)?;
        let (spnego, _) = acquire_from(lib, name, store, OID_SPNEGO)?;
        Self::new(lib, krb5, spnego, lifetime)
    }

    /// Logs `name` in with `password` (MIT's `gss_acquire_cred_with_password`): the library
    /// asks the KDC for a ticket-granting ticket at once, and keeps it in a private memory
    /// cache. The login happens twice, once per credential (see the type's documentation).
    pub(crate) fn with_password(name: &Name, password: &SecretString) -> Result<Self, GssError> {
        let lib = library()?;
        let secret = password.expose_secret();
        if secret.contains('\0') {
            return Err(GssError::BadInput("a NUL in the password"));
        }
        // The library reads the password from the secret's own (zeroized) memory.
        let (krb5, lifetime) = acquire_with_password(lib, name, secret.as_bytes(), OID_KRB5)?;
        let (spnego, _) = acquire_with_password(lib, name, secret.as_bytes(), OID_SPNEGO)?;
        Self::new(lib, krb5, spnego, lifetime)
    }

    fn new(
        lib: &'static Library,
        krb5: RawCredential,
        spnego: RawCredential,
        lifetime: OmUint32,
    ) -> Result<Self, GssError> {
        restrict_to_kerberos(lib, &spnego)?;
        Ok(Self {
            spnego,
            krb5,
            lifetime: (lifetime != GSS_C_INDEFINITE && lifetime != 0).then_some(lifetime),
        })
    }

    /// Seconds the credential stays valid, when the library knows (`None`: indefinite, as for
    /// credentials the library can renew from a keytab).
    pub(crate) fn lifetime(&self) -> Option<u32> {
        self.lifetime
    }
}

fn acquire_with_password(
    lib: &'static Library,
    name: &Name,
    password: &[u8],
    mech: &'static [u8],
) -> Result<(RawCredential, OmUint32), GssError> {
    let mut buffer = BufferDesc::borrowing(password);
    let mut mech = oid(mech);
    let mut mechs = OidSetDesc {
        count: 1,
        elements: &mut mech,
    };
    let mut minor = 0;
    let mut raw: CredT = ptr::null_mut();
    let mut lifetime = 0;
    // SAFETY: `buffer` borrows the password, alive across the call (the library copies it);
    // the mechanism set lives across the call; `raw` receives a credential owned by the
    // returned value.
    let major = unsafe {
        (lib.acquire_cred_with_password)(
            &mut minor,
            name.raw,
            &mut buffer,
            GSS_C_INDEFINITE,
            &mut mechs,
            GSS_C_INITIATE,
            &mut raw,
            ptr::null_mut(),
            &mut lifetime,
        )
    };
    if major & GSS_ERROR_MASK != 0 {
        return Err(failed(lib, major, minor));
    }
    Ok((RawCredential { lib, raw }, lifetime))
}

fn acquire_from(
    lib: &'static Library,
    name: Option<&Name>,
    store: &[(StoreKey, StoreValue)],
    mech: &'static [u8],
) -> Result<(RawCredential, OmUint32), GssError> {
    let elements: Vec<KeyValueElement> = store
        .iter()
        .map(|(key, value)| KeyValueElement {
            key: key.c_name().as_ptr(),
            value: value.0.as_ptr().cast::<c_char>(),
        })
        .collect();
    let set = KeyValueSet {
        count: OmUint32::try_from(elements.len())
            .map_err(|_| GssError::BadInput("too many credential store entries"))?,
        elements: elements.as_ptr(),
    };
    let mut mech = oid(mech);
    let mut mechs = OidSetDesc {
        count: 1,
        elements: &mut mech,
    };
    let mut minor = 0;
    let mut raw: CredT = ptr::null_mut();
    let mut lifetime = 0;
    // SAFETY: keys are static C strings and values NUL-terminated buffers, alive across the
    // call, as is `elements`; an empty store is passed as GSS_C_NO_CRED_STORE (null); `raw`
    // receives a credential owned by the returned value; GSS_C_NO_OID_SET (null) declines the
    // actual mechanisms.
    let major = unsafe {
        (lib.acquire_cred_from)(
            &mut minor,
            name.map_or(ptr::null_mut(), |n| n.raw),
            GSS_C_INDEFINITE,
            &mut mechs,
            GSS_C_INITIATE,
            if elements.is_empty() {
                ptr::null()
            } else {
                &set
            },
            &mut raw,
            ptr::null_mut(),
            &mut lifetime,
        )
    };
    if major & GSS_ERROR_MASK != 0 {
        return Err(failed(lib, major, minor));
    }
    Ok((RawCredential { lib, raw }, lifetime))
}

/// Restricts SPNEGO to Kerberos: without this, SPNEGO would also offer any other mechanism
/// installed (gss-ntlmssp) with the same credentials.
fn restrict_to_kerberos(lib: &'static Library, credential: &RawCredential) -> Result<(), GssError> {
    let mut krb5 = oid(OID_KRB5);
    let mut mechs = OidSetDesc {
        count: 1,
        elements: &mut krb5,
    };
    let mut minor = 0;
    // SAFETY: `credential.raw` is a live SPNEGO credential; the mechanism set lives across the
    // call and is copied by the library.
    let major = unsafe { (lib.set_neg_mechs)(&mut minor, credential.raw, &mut mechs) };
    if major & GSS_ERROR_MASK != 0 {
        return Err(failed(lib, major, minor));
    }
    Ok(())
}

/// One step of a security context.
pub(crate) struct Step {
    /// The token to send, if any.
    pub(crate) token: Option<Zeroizing<Vec<u8>>>,
    /// Whether the context is established (no more tokens expected from the server).
    pub(crate) complete: bool,
    /// The flags the context offers so far (`GSS_C_MUTUAL_FLAG`, …).
    pub(crate) flags: u32,
}

/// The mechanism of a context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mech {
    /// SPNEGO restricted to Kerberos: what HTTP Negotiate carries.
    Spnego,
    /// Plain Kerberos: used only to learn why a SPNEGO step failed, since MIT passes the krb5
    /// error codes through SPNEGO renumbered.
    Kerberos,
}

/// An initiator security context (`gss_ctx_id_t`), asking for mutual authentication.
pub(crate) struct Context {
    lib: &'static Library,
    raw: CtxT,
}

// SAFETY: a context has no thread affinity in MIT; `&mut self` on every call keeps its use to
// one thread at a time, and it is deleted once, on drop.
unsafe impl Send for Context {}

impl Context {
    /// A context not yet started.
    pub(crate) fn new() -> Result<Self, GssError> {
        Ok(Self {
            lib: library()?,
            raw: ptr::null_mut(),
        })
    }

    /// Runs one `gss_init_sec_context` step: `input` is the server's token (none at first),
    /// `application_data` the channel bindings' application data (TLS `tls-server-end-point`).
    pub(crate) fn step(
        &mut self,
        mech: Mech,
        credential: &Credential,
        target: &Name,
        application_data: Option<&[u8]>,
        input: Option<&[u8]>,
    ) -> Result<Step, GssError> {
        let lib = self.lib;
        let mut bindings = application_data.map(|data| ChannelBindingsDesc {
            initiator_addrtype: GSS_C_AF_UNSPEC,
            initiator_address: BufferDesc::EMPTY,
            acceptor_addrtype: GSS_C_AF_UNSPEC,
            acceptor_address: BufferDesc::EMPTY,
            application_data: BufferDesc::borrowing(data),
        });
        let mut input_buffer = input.map(BufferDesc::borrowing);
        let (mut mech_oid, cred) = match mech {
            Mech::Spnego => (oid(OID_SPNEGO), credential.spnego.raw),
            Mech::Kerberos => (oid(OID_KRB5), credential.krb5.raw),
        };
        let mut output = BufferDesc::EMPTY;
        let mut flags = 0;
        let mut minor = 0;
        // SAFETY: credential, name and context are live handles of this library; the context
        // handle is updated in place and owned by `self`; bindings and input borrow data alive
        // across the call (null when absent: GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER);
        // `output` is released below.
        let major = unsafe {
            (lib.init_sec_context)(
                &mut minor,
                cred,
                &mut self.raw,
                target.raw,
                &mut mech_oid,
                GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG,
                0,
                bindings.as_mut().map_or(ptr::null_mut(), ptr::from_mut),
                input_buffer.as_mut().map_or(ptr::null_mut(), ptr::from_mut),
                ptr::null_mut(),
                &mut output,
                &mut flags,
                ptr::null_mut(),
            )
        };
        // SAFETY: `output` is empty or filled by the library with `length` bytes.
        let token = unsafe { buffer_bytes(&output) };
        let token = (!token.is_empty()).then(|| Zeroizing::new(token.to_vec()));
        release_buffer(lib, &mut output);
        if major & GSS_ERROR_MASK != 0 {
            return Err(failed(lib, major, minor));
        }
        Ok(Step {
            token,
            complete: major & GSS_S_CONTINUE_NEEDED == 0,
            flags,
        })
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        if self.raw.is_null() {
            return;
        }
        let mut minor = 0;
        // SAFETY: `raw` came from gss_init_sec_context and is deleted once; no output token
        // is wanted (GSS_C_NO_BUFFER).
        unsafe { (self.lib.delete_sec_context)(&mut minor, &mut self.raw, ptr::null_mut()) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loaded library, or `None` after reporting it missing through the workspace's rule:
    /// a skip on a developer's machine, a failure under CI.
    fn loaded() -> Option<&'static Library> {
        library()
            .inspect_err(|e| {
                exchange_test_support::peer_missing(&format!("MIT GSSAPI cannot be loaded: {e}"));
            })
            .ok()
    }

    #[test]
    fn names_with_nul_or_control_characters_never_reach_the_library() {
        for bad in [
            "HTTP@host\0evil",
            "",
            "HTTP@ho\nst",
            &"a".repeat(MAX_NAME + 1),
        ] {
            assert!(matches!(
                Name::host_based_service(bad),
                Err(GssError::BadInput(_))
            ));
            assert!(matches!(Name::principal(bad), Err(GssError::BadInput(_))));
        }
    }

    #[test]
    fn store_values_with_nul_are_refused() {
        assert!(matches!(
            StoreValue::new("FILE:/tmp/x\0y"),
            Err(GssError::BadInput(_))
        ));
        assert!(matches!(StoreValue::new(""), Err(GssError::BadInput(_))));
        let value = StoreValue::new("MEMORY:x").unwrap();
        assert_eq!(value.0.as_slice(), b"MEMORY:x\0");
    }

    #[test]
    fn passwords_with_nul_are_refused() {
        if loaded().is_none() {
            return;
        }
        let name = Name::principal("alice@EXAMPLE.INVALID").unwrap();
        let err = Credential::with_password(&name, &SecretString::from("a\0b")).err();
        assert!(matches!(
            err,
            Some(GssError::BadInput("a NUL in the password"))
        ));
    }

    #[test]
    fn imported_names_reach_the_library() {
        if loaded().is_none() {
            return;
        }
        assert!(Name::host_based_service("HTTP@mail.contoso.test").is_ok());
        let alice = Name::principal("alice@EXAMPLE.TEST").expect("a well-formed principal");
        // The library takes the imported name and looks for its tickets in a cache that does
        // not exist: no credentials, reported with the library's own explanation.
        let dir = std::env::temp_dir().join(format!("gss-no-ccache-{}", std::process::id()));
        let ccache = StoreValue::new(&format!("FILE:{}", dir.join("ccache").display())).unwrap();
        let refused = Credential::acquire(Some(&alice), &[(StoreKey::Ccache, ccache)]).err();
        let Some(GssError::Failed(failure)) = refused else {
            panic!("acquiring from a missing cache succeeded or failed before the library");
        };
        assert_eq!(failure.major & GSS_ERROR_MASK, GSS_S_NO_CRED, "{failure:?}");
        assert_ne!(failure.minor, 0, "Kerberos says why: {failure:?}");
        assert!(failure.message.starts_with("No credentials"), "{failure:?}");
    }

    #[test]
    fn display_status_explains_codes() {
        let Some(lib) = loaded() else {
            return;
        };
        // GSS_S_FAILURE with a minor code the library never reported: the major message alone.
        let GssError::Failed(f) = failed(lib, 13 << 16, 0) else {
            unreachable!("failed() always builds a failure")
        };
        assert!(
            f.message.starts_with("Unspecified GSS failure"),
            "{}",
            f.message
        );
        assert!(!f.message.contains('\0'));
        let GssError::Failed(f) = failed(lib, GSS_S_NO_CRED, 0) else {
            unreachable!("failed() always builds a failure")
        };
        assert!(f.message.contains("No credentials"), "{}", f.message);
    }
}
