//! Binary entry point of the embedded backend; everything lives in the library.

fn main() -> std::process::ExitCode {
    obs_embedded::cli::main()
}
