//! `safeplan backup` and `safeplan restore`: a consistent copy of the live
//! SQLite database, checked, optionally sealed with a key file; and its
//! restoration into an empty place, checked again. PostgreSQL is copied
//! with its own tools (`pg_dump`/`pg_restore`, see the README).

use app::store::{AuditOutcome, Inventory, NewAuditEvent, Store, StoreOptions};
use chacha20poly1305::aead::generic_array::GenericArray;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use clap::Args;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct Backup {
    /// The file to write (it must not exist).
    #[arg(long)]
    pub to: PathBuf,
    /// Seal the copy with this key (64 hex characters, from `safeplan
    /// secret-key`; keep it apart from the copy and from the server's key).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct Restore {
    /// The backup to restore into the database given by --database-url,
    /// which must not exist yet (or be empty).
    #[arg(long)]
    pub from: PathBuf,
    /// The key the backup was sealed with.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

/// The first bytes of a sealed backup.
const SEALED: &[u8] = b"SAFEPLAN-BACKUP-SEALED-1\n";
/// Plain bytes per sealed chunk.
const CHUNK: usize = 1 << 20;
/// Bytes the seal adds to each chunk.
const TAG: usize = 16;
/// The stream nonce's random part (XChaCha20's 24 bytes less the STREAM
/// construction's counter and last-chunk flag).
const NONCE: usize = 19;

const POSTGRES: &str = "PostgreSQL is backed up with its own tools: \
pg_dump --format=custom --file=FILE DATABASE_URL, and restored into an empty \
database with pg_restore --no-owner --dbname=DATABASE_URL FILE (see the README)";

/// Makes a checked copy of the live SQLite database at `args.to`. The
/// database is not migrated: a backup before an upgrade copies it as the
/// running release left it.
pub async fn backup(config: &crate::config::Config, args: Backup) -> anyhow::Result<()> {
    let Some(path) = app::store::sqlite_path(&config.database_url) else {
        anyhow::bail!("{POSTGRES}");
    };
    if !path.is_file() {
        anyhow::bail!("there is no database at {}", path.display());
    }
    if args.to.exists() {
        anyhow::bail!(
            "{} exists: a backup never overwrites a file",
            args.to.display()
        );
    }
    let key = args.key_file.as_deref().map(read_key).transpose()?;
    let store = config.open_store().await?;
    let result = copy(&store, &args, key.as_ref()).await;
    store.close().await;
    result
}

async fn copy(store: &Store, args: &Backup, key: Option<&[u8; 32]>) -> anyhow::Result<()> {
    let partial = partial_path(&args.to, "partial");
    let _ = std::fs::remove_file(&partial);
    store.copy_into(&partial).await?;
    let checked = check(&partial).await;
    let inventory = match checked {
        Ok(inventory) => inventory,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let result = match key {
        Some(key) => seal_file(&partial, &args.to, key),
        None => move_private(&partial, &args.to),
    };
    let _ = std::fs::remove_file(&partial);
    result?;
    // The copy is made: a failure to note it is logged, not an error.
    if let Err(e) = store
        .record_audit(NewAuditEvent::new(
            "database.backup.cli",
            AuditOutcome::Allowed,
        ))
        .await
    {
        tracing::warn!(error = %e, "the backup is not in the audit log");
    }
    tracing::info!(rows = inventory.rows(), "backup written");
    println!(
        "Backup written to {}{}: integrity ok.",
        args.to.display(),
        if key.is_some() { ", sealed" } else { "" }
    );
    print_inventory(&inventory);
    Ok(())
}

/// Restores a backup into the SQLite database at `database_url`, which
/// must not hold data yet.
pub async fn restore(database_url: &str, args: Restore) -> anyhow::Result<()> {
    let Some(target) = app::store::sqlite_path(database_url) else {
        anyhow::bail!("{POSTGRES}");
    };
    let in_use = |p: &Path| p.metadata().is_ok_and(|m| m.len() > 0);
    if in_use(&target) || in_use(&target.with_file_name(wal_name(&target))) {
        anyhow::bail!(
            "{} holds a database: restore into a new place, never over live data",
            target.display()
        );
    }
    let mut head = vec![0u8; SEALED.len()];
    let sealed = std::fs::File::open(&args.from)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head == SEALED;
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let partial = partial_path(&target, "restoring");
    let _ = std::fs::remove_file(&partial);
    let written = match (sealed, &args.key_file) {
        (true, Some(key_file)) => open_file(&args.from, &partial, &read_key(key_file)?),
        (true, None) => anyhow::bail!("{} is sealed: give its --key-file", args.from.display()),
        (false, _) => copy_private(&args.from, &partial),
    };
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    let inventory = match check(&partial).await {
        Ok(i) => i,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, &target)?;
    println!(
        "Restored {} to {}: integrity ok.",
        args.from.display(),
        target.display()
    );
    print_inventory(&inventory);
    println!("Serve it with --database-url {database_url} (pending migrations run at start).");
    Ok(())
}

/// Opens a copy, checks its integrity and takes its inventory; the copy
/// is closed again (its write-ahead log folded in).
async fn check(path: &Path) -> anyhow::Result<Inventory> {
    let url = format!("sqlite://{}", path.display());
    let copy = Store::connect(&url, StoreOptions::default()).await?;
    let integrity = copy.integrity_check().await;
    let inventory = copy.inventory().await;
    copy.close().await;
    let integrity = integrity?;
    if integrity != "ok" {
        anyhow::bail!("the copy failed its integrity check: {integrity}");
    }
    Ok(inventory?)
}

fn print_inventory(inventory: &Inventory) {
    println!(
        "{} tables, {} rows; content digest {}",
        inventory.tables.len(),
        inventory.rows(),
        inventory.digest
    );
    for (table, rows) in &inventory.tables {
        println!("  {table:<28} {rows}");
    }
}

fn partial_path(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{what}"))
}

fn wal_name(path: &Path) -> String {
    format!(
        "{}-wal",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    )
}

/// A key file: 64 hex characters (a line from `safeplan secret-key`).
fn read_key(path: &Path) -> anyhow::Result<[u8; 32]> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read the key file {}: {e}", path.display()))?;
    let bytes = hex::decode(text.trim())
        .ok()
        .filter(|b| b.len() == 32)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{} is not a key: 64 hex characters, made with `safeplan secret-key`",
                path.display()
            )
        })?;
    let mut key = [0u8; 32];
    key.copy_from_slice(&bytes);
    Ok(key)
}

/// A new file only its owner may read.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn move_private(from: &Path, to: &Path) -> anyhow::Result<()> {
    copy_private(from, to)?;
    std::fs::remove_file(from)?;
    Ok(())
}

fn copy_private(from: &Path, to: &Path) -> anyhow::Result<()> {
    let mut input = std::fs::File::open(from)?;
    let mut output = create_private(to)?;
    std::io::copy(&mut input, &mut output)?;
    output.sync_all()?;
    Ok(())
}

/// Reads up to `buf.len()` bytes, fewer only at the end of the file.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Seals `from` into `to` with XChaCha20-Poly1305 in the STREAM
/// construction (chunks of 1 MiB, each authenticated with its position and
/// whether it is the last, so no chunk can be dropped, moved or cut off).
fn seal_file(from: &Path, to: &Path, key: &[u8; 32]) -> anyhow::Result<()> {
    use rand::RngCore;
    let mut nonce = [0u8; NONCE];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let cipher = XChaCha20Poly1305::new(GenericArray::from_slice(key));
    let mut sealer = EncryptorBE32::from_aead(cipher, GenericArray::from_slice(&nonce));
    let mut input = std::fs::File::open(from)?;
    let mut output = std::io::BufWriter::new(create_private(to)?);
    output.write_all(SEALED)?;
    output.write_all(&nonce)?;
    let mut chunk = vec![0u8; CHUNK];
    let mut next = vec![0u8; CHUNK];
    let mut len = read_full(&mut input, &mut chunk)?;
    loop {
        let next_len = read_full(&mut input, &mut next)?;
        if next_len == 0 {
            let last = sealer
                .encrypt_last(&chunk[..len])
                .map_err(|_| anyhow::anyhow!("sealing failed"))?;
            output.write_all(&last)?;
            break;
        }
        let sealed = sealer
            .encrypt_next(&chunk[..len])
            .map_err(|_| anyhow::anyhow!("sealing failed"))?;
        output.write_all(&sealed)?;
        std::mem::swap(&mut chunk, &mut next);
        len = next_len;
    }
    let file = output.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}

/// Opens a sealed backup into `to`; refuses it whole if any chunk was
/// changed, moved or cut off, or the key is not the one it was sealed with.
fn open_file(from: &Path, to: &Path, key: &[u8; 32]) -> anyhow::Result<()> {
    let refused = || {
        anyhow::anyhow!(
            "{} does not open with this key: a wrong key, or the file was changed or cut short",
            from.display()
        )
    };
    let mut input = std::io::BufReader::new(std::fs::File::open(from)?);
    let mut head = vec![0u8; SEALED.len() + NONCE];
    input.read_exact(&mut head).map_err(|_| refused())?;
    let cipher = XChaCha20Poly1305::new(GenericArray::from_slice(key));
    let mut opener =
        DecryptorBE32::from_aead(cipher, GenericArray::from_slice(&head[SEALED.len()..]));
    let mut output = std::io::BufWriter::new(create_private(to)?);
    let mut chunk = vec![0u8; CHUNK + TAG];
    let mut next = vec![0u8; CHUNK + TAG];
    let mut len = read_full(&mut input, &mut chunk)?;
    loop {
        let next_len = read_full(&mut input, &mut next)?;
        if next_len == 0 {
            let plain = opener.decrypt_last(&chunk[..len]).map_err(|_| refused())?;
            output.write_all(&plain)?;
            break;
        }
        let plain = opener.decrypt_next(&chunk[..len]).map_err(|_| refused())?;
        output.write_all(&plain)?;
        std::mem::swap(&mut chunk, &mut next);
        len = next_len;
    }
    let file = output.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("safeplan-seal-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn a_sealed_file_opens_only_whole_and_with_its_key() {
        let key = [7u8; 32];
        // An exact number of chunks, and one more byte.
        for size in [0, 10, CHUNK, 2 * CHUNK + 1] {
            let plain: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let from = temp("plain");
            std::fs::write(&from, &plain).unwrap();
            let sealed = from.with_file_name("sealed");
            seal_file(&from, &sealed, &key).unwrap();
            let bytes = std::fs::read(&sealed).unwrap();
            assert!(bytes.starts_with(SEALED));
            let opened = from.with_file_name("opened");
            open_file(&sealed, &opened, &key).unwrap();
            assert_eq!(std::fs::read(&opened).unwrap(), plain, "{size} bytes");

            let wrong = from.with_file_name("wrong");
            assert!(
                open_file(&sealed, &wrong, &[8u8; 32]).is_err(),
                "another key"
            );
            let mut changed = bytes.clone();
            let at = changed.len() - 1;
            changed[at] ^= 1;
            let changed_path = from.with_file_name("changed");
            std::fs::write(&changed_path, &changed).unwrap();
            assert!(open_file(&changed_path, &from.with_file_name("o2"), &key).is_err());
            if size > CHUNK {
                // Cut after the first chunk: the end is missing.
                let cut = &bytes[..SEALED.len() + NONCE + CHUNK + TAG];
                let cut_path = from.with_file_name("cut");
                std::fs::write(&cut_path, cut).unwrap();
                assert!(open_file(&cut_path, &from.with_file_name("o3"), &key).is_err());
            }
        }
    }
}
