//! The `safeplan` binary: configuration, command line, HTTP server,
//! demo data and database migrations.

pub mod backup;
pub mod catalogues;
pub mod config;
pub mod demo;
pub mod http;
pub mod organisations;
pub mod telemetry;
pub mod users;

use clap::Parser;
use config::{Cli, Command, Config};
use std::process::ExitCode;

/// Parses the command line, sets up logging and runs the chosen command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_cli(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("safeplan: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    if matches!(command, Command::Serve) && config.secret_key.is_none() {
        eprintln!(
            "safeplan: invalid configuration: serving needs a secret key: set --secret-key-file \
             (SAFEPLAN_SECRET_KEY_FILE) to a file made with `safeplan secret-key`"
        );
        return ExitCode::from(2);
    }
    telemetry::init(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("safeplan: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(command, config));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "safeplan stopped with an error");
            eprintln!("safeplan: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => http::serve(config).await,
        Command::SecretKey => {
            println!("{}", app::server::secrets::SecretKey::generate_hex());
            Ok(())
        }
        Command::Migrate => {
            let store = config.open_store().await?;
            store.migrate().await?;
            println!("Database is up to date.");
            Ok(())
        }
        Command::Demo => {
            let store = config.open_store().await?;
            store.migrate().await?;
            if let Some(why) = demo::refusal(&store, config.bind).await? {
                anyhow::bail!("{why}; nothing was added");
            }
            let logins = demo::seed(&store).await?;
            let url = format!("http://{}", config.bind);
            demo::print_logins(&logins, Some(url.as_str()));
            Ok(())
        }
        Command::User(users::UserCommand::Add(args)) => {
            let store = config.open_store().await?;
            store.migrate().await?;
            users::add(&store, args).await
        }
        Command::User(users::UserCommand::SetupCode(args)) => {
            let store = config.open_store().await?;
            store.migrate().await?;
            users::setup_code(&store, args).await
        }
        Command::Organisation(organisations::OrganisationCommand::TimeZone(args)) => {
            let store = config.open_store().await?;
            store.migrate().await?;
            organisations::set_time_zone(&store, args).await
        }
        Command::Catalogue(catalogues::CatalogueCommand::LoadIndicators(args)) => {
            let store = config.open_store().await?;
            store.migrate().await?;
            catalogues::load_indicators(&store, args).await
        }
        Command::Backup(args) => backup::backup(&config, args).await,
        Command::Restore(args) => backup::restore(&config.database_url, args).await,
        Command::Catalogue(catalogues::CatalogueCommand::List) => {
            let store = config.open_store().await?;
            store.migrate().await?;
            catalogues::list(&store).await
        }
        Command::Organisation(organisations::OrganisationCommand::Retention(args)) => {
            let store = config.open_store().await?;
            store.migrate().await?;
            organisations::set_retention(&store, args).await
        }
    }
}
