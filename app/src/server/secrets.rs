//! Sealing small secrets (TOTP keys) with the server's secret key.
//!
//! XChaCha20-Poly1305 with a random 192-bit nonce per value, the owner's id
//! as associated data (a sealed value copied to another user's row does not
//! open), and a version prefix so the scheme can change later.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

const VERSION: &str = "v1:";

/// The server's secret key (32 bytes), from configuration.
#[derive(Clone)]
pub struct SecretKey(chacha20poly1305::Key);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("the secret key must be 64 hexadecimal characters (32 bytes)")]
    BadKey,
    #[error("a sealed value could not be opened (wrong key or damaged)")]
    Unreadable,
}

impl SecretKey {
    /// From 64 hex characters (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<SecretKey, SecretError> {
        let bytes = hex::decode(text.trim()).map_err(|_| SecretError::BadKey)?;
        if bytes.len() != 32 {
            return Err(SecretError::BadKey);
        }
        Ok(SecretKey(*chacha20poly1305::Key::from_slice(&bytes)))
    }

    /// A new random key, as hex (for `safeplan secret-key`).
    pub fn generate_hex() -> String {
        use rand::RngCore;
        let mut b = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut b);
        hex::encode(b)
    }

    pub fn seal(&self, plain: &[u8], owner: &str) -> String {
        use rand::RngCore;
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(&self.0);
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: owner.as_bytes(),
                },
            )
            .expect("encrypting a short value cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{VERSION}{}", hex::encode(out))
    }

    pub fn open(&self, sealed: &str, owner: &str) -> Result<Vec<u8>, SecretError> {
        let raw = sealed
            .strip_prefix(VERSION)
            .and_then(|h| hex::decode(h).ok())
            .filter(|b| b.len() > 24)
            .ok_or(SecretError::Unreadable)?;
        let (nonce, body) = raw.split_at(24);
        XChaCha20Poly1305::new(&self.0)
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: owner.as_bytes(),
                },
            )
            .map_err(|_| SecretError::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        SecretKey::from_hex(&SecretKey::generate_hex()).unwrap()
    }

    #[test]
    fn sealed_values_open_only_for_their_owner_and_key() {
        let k = key();
        let sealed = k.seal(b"JBSWY3DPEHPK3PXP", "user-1");
        assert!(!sealed.contains("JBSW"));
        assert_eq!(k.open(&sealed, "user-1").unwrap(), b"JBSWY3DPEHPK3PXP");
        assert_eq!(k.open(&sealed, "user-2"), Err(SecretError::Unreadable));
        assert_eq!(key().open(&sealed, "user-1"), Err(SecretError::Unreadable));
        assert_ne!(sealed, k.seal(b"JBSWY3DPEHPK3PXP", "user-1"), "fresh nonce");
        let mut damaged = sealed.clone();
        let last = damaged.pop().unwrap();
        damaged.push(if last == '0' { '1' } else { '0' });
        assert!(k.open(&damaged, "user-1").is_err());
        assert!(k.open("garbage", "user-1").is_err());
    }

    #[test]
    fn keys_are_64_hex_characters() {
        assert!(SecretKey::from_hex(&"ab".repeat(32)).is_ok());
        assert!(SecretKey::from_hex(&format!(" {}\n", "ab".repeat(32))).is_ok());
        assert_eq!(
            SecretKey::from_hex("abcd").unwrap_err(),
            SecretError::BadKey
        );
        assert_eq!(
            SecretKey::from_hex(&"zz".repeat(32)).unwrap_err(),
            SecretError::BadKey
        );
        assert_eq!(format!("{:?}", key()), "SecretKey(…)");
    }
}
