//! Writes the app's sample image data set: 20 Fashion-MNIST images (28×28 gray PNG) of each of
//! four classes that look unlike each other (Trouser, Pullover, Sneaker, Bag), one folder per
//! class, ready for the page's folder drop or `tabtune train --task image --data OUT_DIR`:
//! `cargo run --release --example sample_images -- OUT_DIR [PER_CLASS] [SEED]`
//! (needs Debian's dataset-fashion-mnist: `apt-get install dataset-fashion-mnist`).
use std::path::{Path, PathBuf};

use tabtune::image::data::{FASHION_DIR, SAMPLE_CLASSES, write_sample};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: sample_images OUT_DIR [PER_CLASS] [SEED]")?,
    );
    let per_class: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(20);
    let seed: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
    let n = write_sample(
        Path::new(FASHION_DIR),
        &out,
        &SAMPLE_CLASSES,
        per_class,
        seed,
    )?;
    println!(
        "{n} images of {} written to {}",
        SAMPLE_CLASSES.join(", "),
        out.display()
    );
    Ok(())
}
