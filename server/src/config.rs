//! Configuration from flags and environment, checked at start-up.

use app::server::client_address::ClientAddressPolicy;
use app::server::secrets::SecretKey;
use app::server::SessionSettings;
use app::store::{Engine, Store, StoreOptions};
use clap::{ArgAction, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

const ABOUT: &str = "Safeplan: plans voluntary return and reintegration with people who may \
have been trafficked, from first contact to follow-up a year after return.";

const AFTER_HELP: &str = "\
Every option can also be set in the environment (names in brackets).
The database is an SQLite file by default; give a postgres:// URL to run
several instances against one PostgreSQL database.

Examples:
  safeplan                                  serve on 127.0.0.1:3000 with ./data/safeplan.db
  safeplan demo                             add the demo organisations and users
  safeplan user add --organisation 'Shelter A' --organisation-kind counselling \\
      --country NL --role admin --username alice --display-name 'Alice'
                                            (the password is asked for, or read from stdin)
  DATABASE_URL=postgres://safeplan@db/safeplan safeplan migrate";

#[derive(Debug, Parser)]
#[command(name = "safeplan", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DB
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/safeplan.db",
        global = true
    )]
    pub database_url: String,

    /// A file holding the database URL (for secrets mounted as files);
    /// takes precedence over --database-url.
    #[arg(long, env = "DATABASE_URL_FILE", global = true)]
    pub database_url_file: Option<PathBuf>,

    /// Maximum database connections of this instance.
    #[arg(long, env = "SAFEPLAN_DB_MAX_CONNECTIONS", default_value_t = 8, global = true,
          value_parser = clap::value_parser!(u32).range(1..=512))]
    pub db_max_connections: u32,

    /// Address and port to listen on.
    #[arg(
        long,
        env = "SAFEPLAN_BIND",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub bind: SocketAddr,

    /// Folder with the built site (WASM, JS, CSS and public files).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,

    /// Log filter: error, warn, info, debug, trace, or a tracing directive list.
    #[arg(long, env = "SAFEPLAN_LOG", default_value = "info", global = true)]
    pub log_level: String,

    /// Log format.
    #[arg(long, env = "SAFEPLAN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty, global = true)]
    pub log_format: LogFormat,

    /// Users reach Safeplan over HTTPS (directly or through a proxy): mark
    /// the session cookie Secure and send Strict-Transport-Security.
    #[arg(long, env = "SAFEPLAN_SECURE_COOKIES", default_value_t = false, action = ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new(), global = true)]
    pub secure_cookies: bool,

    /// Minutes of inactivity after which a session ends (1-1440).
    #[arg(
        long,
        env = "SAFEPLAN_SESSION_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub session_idle_minutes: i64,

    /// Hours after sign-in after which a session ends, used or not (1-72).
    #[arg(
        long,
        env = "SAFEPLAN_SESSION_MAX_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_max_hours: i64,

    /// Behind a reverse proxy: the header that carries the client's address
    /// (e.g. X-Forwarded-For). Unset: the TCP peer. The header is only
    /// believed on requests that come from a trusted proxy.
    #[arg(long, env = "SAFEPLAN_CLIENT_IP_HEADER", global = true)]
    pub client_ip_header: Option<String>,

    /// The reverse proxies whose client-address header is believed: comma-
    /// separated addresses or networks (e.g. 10.0.0.5,10.1.0.0/16).
    #[arg(
        long,
        env = "SAFEPLAN_TRUSTED_PROXIES",
        default_value = "127.0.0.1/8,::1/128",
        global = true
    )]
    pub trusted_proxies: String,

    /// The server's secret key (64 hex characters), which seals stored
    /// second-factor secrets. Required to serve. Create one with
    /// `safeplan secret-key`. Prefer --secret-key-file.
    #[arg(
        long,
        env = "SAFEPLAN_SECRET_KEY",
        hide_env_values = true,
        global = true
    )]
    pub secret_key: Option<String>,

    /// A file holding the secret key (instead of --secret-key).
    #[arg(
        long,
        env = "SAFEPLAN_SECRET_KEY_FILE",
        global = true,
        conflicts_with = "secret_key"
    )]
    pub secret_key_file: Option<PathBuf>,

    /// Admins and supervisors must sign in with a one-time code from an
    /// authenticator app (set up at their next sign-in).
    #[arg(long, env = "SAFEPLAN_REQUIRE_SECOND_FACTOR", default_value_t = false, action = ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new(), global = true)]
    pub require_second_factor: bool,

    /// How many password hashes may be computed at once (each takes 19 MiB).
    #[arg(long, env = "SAFEPLAN_HASH_CONCURRENCY", default_value_t = 4, global = true,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub hash_concurrency: u16,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the application (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Add the demo organisations and one demo user per role (kept if present).
    Demo,
    /// Print a new random secret key (for SAFEPLAN_SECRET_KEY_FILE).
    SecretKey,
    /// Manage users.
    #[command(subcommand)]
    User(crate::users::UserCommand),
    /// Manage organisations' settings.
    #[command(subcommand)]
    Organisation(crate::organisations::OrganisationCommand),
    /// Manage the reference catalogues (the ILO indicator lists).
    #[command(subcommand)]
    Catalogue(crate::catalogues::CatalogueCommand),
    /// Write a checked copy of the live SQLite database (while it is served).
    Backup(crate::backup::Backup),
    /// Restore a backup into a new SQLite database (never over live data).
    Restore(crate::backup::Restore),
}

/// Checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub engine: Engine,
    pub store: StoreOptions,
    pub bind: SocketAddr,
    pub site_root: PathBuf,
    pub log_filter: String,
    pub log_format: LogFormat,
    pub sessions: SessionSettings,
    pub hash_concurrency: usize,
    pub client_address: ClientAddressPolicy,
    /// Required by `serve` (checked there: other commands do without).
    pub secret_key: Option<SecretKey>,
    pub require_second_factor: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("{setting} ({env}): {problem}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub env: &'static str,
    pub problem: String,
}

fn bad(setting: &'static str, env: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        env,
        problem: problem.into(),
    }
}

/// "10.0.0.5, 10.1.0.0/16" → networks (a bare address is a /32 or /128);
/// the bad entry on error.
fn parse_networks(list: &str) -> Result<Vec<ipnet::IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .map(|n| n.trunc())
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| s.to_string())
        })
        .collect()
}

impl Config {
    pub fn from_cli(cli: &Cli) -> Result<Config, ConfigError> {
        let database_url = match &cli.database_url_file {
            Some(path) => std::fs::read_to_string(path)
                .map(|s| s.trim().to_string())
                .map_err(|e| {
                    bad(
                        "--database-url-file",
                        "DATABASE_URL_FILE",
                        format!("cannot read {}: {e}", path.display()),
                    )
                })?,
            None => cli.database_url.clone(),
        };
        let engine = Engine::from_url(&database_url).ok_or_else(|| {
            bad(
                "--database-url",
                "DATABASE_URL",
                "must start with sqlite:// or postgres://",
            )
        })?;
        if engine == Engine::Sqlite && database_url.contains(":memory:") {
            return Err(bad(
                "--database-url",
                "DATABASE_URL",
                "an in-memory SQLite database would lose everything at exit; give a file path",
            ));
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&cli.log_level) {
            return Err(bad(
                "--log-level",
                "SAFEPLAN_LOG",
                format!("not a log filter: {e}"),
            ));
        }
        if !(1..=1440).contains(&cli.session_idle_minutes) {
            return Err(bad(
                "--session-idle-minutes",
                "SAFEPLAN_SESSION_IDLE_MINUTES",
                format!("{} is outside 1-1440", cli.session_idle_minutes),
            ));
        }
        if !(1..=72).contains(&cli.session_max_hours) {
            return Err(bad(
                "--session-max-hours",
                "SAFEPLAN_SESSION_MAX_HOURS",
                format!("{} is outside 1-72", cli.session_max_hours),
            ));
        }
        if cli.session_idle_minutes > cli.session_max_hours * 60 {
            return Err(bad(
                "--session-idle-minutes",
                "SAFEPLAN_SESSION_IDLE_MINUTES",
                "the idle timeout cannot be longer than the maximum session lifetime",
            ));
        }
        let client_ip_header = match &cli.client_ip_header {
            None => None,
            Some(name) => Some(
                http::HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
                    bad(
                        "--client-ip-header",
                        "SAFEPLAN_CLIENT_IP_HEADER",
                        format!("{name:?} is not a header name"),
                    )
                })?,
            ),
        };
        let trusted_proxies = parse_networks(&cli.trusted_proxies).map_err(|entry| {
            bad(
                "--trusted-proxies",
                "SAFEPLAN_TRUSTED_PROXIES",
                format!("{entry:?} is not an address or network"),
            )
        })?;
        let secret_key = match (&cli.secret_key, &cli.secret_key_file) {
            (Some(text), _) => Some(
                SecretKey::from_hex(text)
                    .map_err(|e| bad("--secret-key", "SAFEPLAN_SECRET_KEY", e.to_string()))?,
            ),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    bad(
                        "--secret-key-file",
                        "SAFEPLAN_SECRET_KEY_FILE",
                        format!("cannot read {}: {e}", path.display()),
                    )
                })?;
                Some(SecretKey::from_hex(&text).map_err(|e| {
                    bad(
                        "--secret-key-file",
                        "SAFEPLAN_SECRET_KEY_FILE",
                        e.to_string(),
                    )
                })?)
            }
            (None, None) => None,
        };
        Ok(Config {
            secret_key,
            require_second_factor: cli.require_second_factor,
            client_address: ClientAddressPolicy {
                header: client_ip_header,
                trusted_proxies,
            },
            database_url,
            engine,
            store: StoreOptions {
                max_connections: cli.db_max_connections,
                acquire_timeout: Duration::from_secs(10),
                busy_timeout: Duration::from_secs(5),
            },
            bind: cli.bind,
            site_root: cli.site_root.clone(),
            log_filter: cli.log_level.clone(),
            log_format: cli.log_format,
            sessions: SessionSettings {
                idle: chrono::Duration::minutes(cli.session_idle_minutes),
                absolute: chrono::Duration::hours(cli.session_max_hours),
                secure_cookies: cli.secure_cookies,
            },
            hash_concurrency: cli.hash_concurrency as usize,
        })
    }

    pub async fn open_store(&self) -> anyhow::Result<Store> {
        Store::connect(&self.database_url, self.store.clone())
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the database ({:?}): {e}", self.engine))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, ConfigError> {
        let mut argv = vec!["safeplan"];
        argv.extend_from_slice(args);
        Config::from_cli(&Cli::try_parse_from(argv).expect("parses"))
    }

    #[test]
    fn defaults_are_valid() {
        let c = parse(&[]).unwrap();
        assert_eq!(c.engine, Engine::Sqlite);
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.sessions.idle, chrono::Duration::minutes(30));
        assert_eq!(c.sessions.absolute, chrono::Duration::hours(12));
        assert!(!c.sessions.secure_cookies);
    }

    #[test]
    fn bad_settings_are_named() {
        let e = parse(&["--database-url", "mysql://x"]).unwrap_err();
        assert!(e.to_string().contains("DATABASE_URL"), "{e}");
        let e = parse(&["--session-idle-minutes", "0"]).unwrap_err();
        assert!(e.to_string().contains("--session-idle-minutes"), "{e}");
        let e = parse(&["--session-idle-minutes", "800", "--session-max-hours", "2"]).unwrap_err();
        assert!(e.to_string().contains("longer than"), "{e}");
        let e = parse(&["--log-level", "info,[[["]).unwrap_err();
        assert!(e.to_string().contains("SAFEPLAN_LOG"), "{e}");
        let e = parse(&["--secret-key", "0123"]).unwrap_err();
        assert!(e.to_string().contains("SAFEPLAN_SECRET_KEY"), "{e}");
        assert!(
            !e.to_string().contains("0123"),
            "the key is never echoed: {e}"
        );
        let e = parse(&["--trusted-proxies", "10.0.0.1,not-an-ip"]).unwrap_err();
        assert!(e.to_string().contains("SAFEPLAN_TRUSTED_PROXIES"), "{e}");
        assert!(e.to_string().contains("not-an-ip"), "{e}");
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let c = parse(&["--trusted-proxies", "10.0.0.5, 10.1.2.3/16,::1"]).unwrap();
        let nets: Vec<String> = c
            .client_address
            .trusted_proxies
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(nets, ["10.0.0.5/32", "10.1.0.0/16", "::1/128"]);
        let c = parse(&[]).unwrap();
        assert_eq!(c.client_address.header, None);
        assert_eq!(c.client_address.trusted_proxies.len(), 2, "loopback");
    }

    #[test]
    fn the_database_url_can_come_from_a_file() {
        let path = std::env::temp_dir().join(format!("safeplan-url-{}", std::process::id()));
        std::fs::write(&path, "postgres://u:secret@db/safeplan\n").unwrap();
        let c = parse(&["--database-url-file", path.to_str().unwrap()]).unwrap();
        assert_eq!(c.database_url, "postgres://u:secret@db/safeplan");
        assert_eq!(c.engine, Engine::Postgres);
        std::fs::remove_file(&path).unwrap();
        let e = parse(&["--database-url-file", "/nonexistent/safeplan-url"]).unwrap_err();
        assert!(e.to_string().contains("DATABASE_URL_FILE"), "{e}");
    }

    #[test]
    fn subcommands_take_global_options() {
        let cli = Cli::try_parse_from(["safeplan", "migrate", "--database-url", "sqlite://x.db"])
            .unwrap();
        assert!(matches!(cli.command, Some(Command::Migrate)));
        assert_eq!(cli.database_url, "sqlite://x.db");
        assert!(Cli::try_parse_from(["safeplan", "--bind", "not-an-address"]).is_err());
    }
}
