//! `sellout` binary: runs the CLI and maps errors to exit codes
//! (2: bad input such as a malformed model file; 1: a run that started and failed).

use std::process::ExitCode;

use sellout::model::ModelError;

fn main() -> ExitCode {
    match sellout::cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error:#}");
            let bad_sweep_input = error
                .downcast_ref::<sellout::sweep::SweepError>()
                .is_some_and(sellout::sweep::SweepError::is_bad_input);
            let bad_input = error.downcast_ref::<sellout::cli::BadInput>().is_some();
            if error.downcast_ref::<ModelError>().is_some() || bad_sweep_input || bad_input {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
