//! The VAPID key pair (RFC 8292): given by configuration, or made on first start and kept in the
//! database so every process and restart signs with the same key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::SecretKey;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use store::Store;

/// The private key stays inside: `Debug` never prints it.
#[derive(Clone)]
pub struct Vapid {
    /// base64url of the 32-byte private scalar.
    private: String,
    /// base64url of the uncompressed public point, as `applicationServerKey`.
    pub public: String,
}

impl std::fmt::Debug for Vapid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vapid")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("YORISOI_VAPID_PRIVATE_KEY is not a base64url P-256 private key")]
    BadKey,
    #[error(transparent)]
    Store(#[from] store::Error),
}

impl Vapid {
    pub fn private_key(&self) -> &str {
        &self.private
    }

    /// From a configured private key.
    pub fn from_private(encoded: &str) -> Result<Self, Error> {
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded.trim().trim_end_matches('='))
            .map_err(|_| Error::BadKey)?;
        let secret = SecretKey::from_slice(&bytes).map_err(|_| Error::BadKey)?;
        Ok(Vapid {
            private: URL_SAFE_NO_PAD.encode(secret.to_bytes()),
            public: public_of(&secret),
        })
    }

    /// The configured key, or the one kept in the database (made now if there is none).
    pub async fn load(store: &Store, configured: Option<&str>) -> Result<Self, Error> {
        if let Some(encoded) = configured {
            return Self::from_private(encoded);
        }
        let (private, _) = store.vapid_keys(generate, chrono::Utc::now()).await?;
        Self::from_private(&private)
    }
}

fn public_of(secret: &SecretKey) -> String {
    URL_SAFE_NO_PAD.encode(secret.public_key().to_encoded_point(false).as_bytes())
}

/// A fresh key pair from the operating system's random numbers.
pub fn generate() -> (String, String) {
    let secret = SecretKey::random(&mut rand::rngs::OsRng);
    (URL_SAFE_NO_PAD.encode(secret.to_bytes()), public_of(&secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_round_trips_and_never_prints() {
        let (private, public) = generate();
        let vapid = Vapid::from_private(&private).unwrap();
        assert_eq!(vapid.public, public);
        assert_eq!(URL_SAFE_NO_PAD.decode(&public).unwrap().len(), 65);
        assert!(!format!("{vapid:?}").contains(&private));
        assert!(Vapid::from_private("not a key").is_err());
    }
}
