//! `cargo xtask`: the repository's two README commands (`demo`, `test`) and their helpers.

mod bench;
mod bundle;
mod contract;
mod demo;
mod process;
mod routes;
mod split;
mod steps;
mod test_all;
mod tools;
mod versions;
mod workspace;

use std::process::ExitCode;
use workspace::Workspace;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  demo [--port N] [-- SERVER_ARGS…]
        install what is missing, build the console (release), and run the reference
        server with demo data on 127.0.0.1:N (default 8080), serving the console
  test [--only STEP[,STEP…]]
        install what is missing (also Chromium), then run every check; steps:
        tools, fmt, clippy, clippy-wasm, bundle, test, schemathesis, test-wasm
  schemathesis
        only the contract step: install schemathesis if missing, start the reference
        server on a fresh database and test it against api/openapi.yaml
  install
        only find or install the toolchain (wasm32 target, trunk, wasm-bindgen-cli,
        wasm-opt, wasm-split-cli, Chromium and chromedriver, schemathesis)
  bundle
        install what is missing and build the release bundle into dist/
  bench [-- BENCH_ARGS…]
        build the console (release) if stale and run the console benchmarks: bundle size,
        first render, delivery history at scale and memory, each beside its baseline
";

#[derive(Debug, PartialEq, Eq)]
enum Cli {
    Demo(demo::Options),
    Test(test_all::Options),
    Install,
    Schemathesis,
    Bundle,
    Bench(Vec<String>),
    Help,
}

fn parse(args: &[String]) -> Result<Cli, String> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Cli::Help);
    };
    match command.as_str() {
        "demo" => {
            let mut options = demo::Options::default();
            let mut rest = rest.iter();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--port" => {
                        let value = rest.next().ok_or("--port needs a number")?;
                        options.port = value
                            .parse()
                            .map_err(|_| format!("--port {value}: not a port number"))?;
                    }
                    "--" => {
                        options.server_args = rest.by_ref().cloned().collect();
                    }
                    other => return Err(format!("demo: unknown argument {other}")),
                }
            }
            Ok(Cli::Demo(options))
        }
        "test" => {
            let mut options = test_all::Options::default();
            let mut rest = rest.iter();
            while let Some(arg) = rest.next() {
                match arg.as_str() {
                    "--only" => {
                        let value = rest.next().ok_or("--only needs step names")?;
                        options.only.extend(
                            value
                                .split(',')
                                .filter(|s| !s.is_empty())
                                .map(str::to_string),
                        );
                    }
                    other => return Err(format!("test: unknown argument {other}")),
                }
            }
            Ok(Cli::Test(options))
        }
        "install" if rest.is_empty() => Ok(Cli::Install),
        "schemathesis" if rest.is_empty() => Ok(Cli::Schemathesis),
        "bundle" if rest.is_empty() => Ok(Cli::Bundle),
        // Everything after `bench` (and an optional `--`) goes to the benchmark binary.
        "bench" => Ok(Cli::Bench(
            rest.iter()
                .skip(usize::from(rest.first().is_some_and(|a| a == "--")))
                .cloned()
                .collect(),
        )),
        "help" | "--help" | "-h" => Ok(Cli::Help),
        other => Err(format!("unknown command or argument: {other}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cli = match parse(&args) {
        Ok(cli) => cli,
        Err(message) => {
            eprintln!("xtask: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let ws = Workspace::locate();
    let result = match cli {
        Cli::Help => {
            print!("{USAGE}");
            Ok(true)
        }
        Cli::Demo(options) => demo::run(&ws, &options).map(|()| true),
        Cli::Test(options) => test_all::run(&ws, &options),
        Cli::Install => tools::ensure(&ws, tools::Purpose::BuildAndBrowse).map(|_| true),
        // Needs none of the console's toolchain, so it does not install it.
        Cli::Schemathesis => tools::ensure_schemathesis(&ws)
            .and_then(|bin| contract::run(&ws, &bin))
            .map(|()| true),
        Cli::Bundle => tools::ensure(&ws, tools::Purpose::Build)
            .and_then(|t| bundle::build(&ws, &t))
            .map(|()| true),
        Cli::Bench(args) => bench::run(&ws, &args).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn demo_takes_a_port_and_server_arguments() {
        let cli = parse(&args(&[
            "demo",
            "--port",
            "9000",
            "--",
            "--profile",
            "core",
        ]))
        .unwrap();
        assert_eq!(
            cli,
            Cli::Demo(demo::Options {
                port: 9000,
                server_args: args(&["--profile", "core"]),
            })
        );
        assert_eq!(
            parse(&args(&["demo"])).unwrap(),
            Cli::Demo(demo::Options::default())
        );
        assert!(parse(&args(&["demo", "--port", "http"])).is_err());
        assert!(parse(&args(&["demo", "--port"])).is_err());
    }

    #[test]
    fn test_takes_a_step_list() {
        let cli = parse(&args(&["test", "--only", "fmt,clippy", "--only", "bundle"])).unwrap();
        assert_eq!(
            cli,
            Cli::Test(test_all::Options {
                only: args(&["fmt", "clippy", "bundle"]),
            })
        );
        assert!(parse(&args(&["test", "--fast"])).is_err());
    }

    #[test]
    fn bench_passes_its_arguments_on() {
        assert_eq!(parse(&args(&["bench"])).unwrap(), Cli::Bench(vec![]));
        assert_eq!(
            parse(&args(&["bench", "--", "--runs", "3"])).unwrap(),
            Cli::Bench(args(&["--runs", "3"]))
        );
        assert_eq!(
            parse(&args(&["bench", "--rows", "500"])).unwrap(),
            Cli::Bench(args(&["--rows", "500"]))
        );
    }

    #[test]
    fn no_command_is_help_and_unknown_ones_are_errors() {
        assert_eq!(parse(&[]).unwrap(), Cli::Help);
        assert!(parse(&args(&["deploy"])).is_err());
        assert!(parse(&args(&["install", "extra"])).is_err());
        assert_eq!(parse(&args(&["schemathesis"])).unwrap(), Cli::Schemathesis);
    }
}
