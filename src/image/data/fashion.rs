//! Fashion-MNIST from Debian's `dataset-fashion-mnist` (idx files, gzipped, under
//! `/usr/share/datasets/fashion-mnist/`): a seeded, balanced pick for the quality test and
//! the sample data set the app offers.

use std::io::Read;
use std::path::Path;

use super::dataset::{DecodedImage, ImageDataset, ImageExample};
use crate::data::rng::Rng;
use crate::error::{Error, Result};

/// Where `apt-get install dataset-fashion-mnist` puts the files.
pub const FASHION_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// The classes in label order (label 0 is "T-shirt/top").
pub const FASHION_CLASSES: [&str; 10] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
];

/// Four classes that look unlike each other even at 28 px, for the app's sample data.
pub const SAMPLE_CLASSES: [&str; 4] = ["Trouser", "Pullover", "Sneaker", "Bag"];

/// `per_class` training images of each class (a seeded pick from the 60,000), and `test`
/// test images from the 10,000 (balanced: `test / 10` per class, the remainder going to the
/// first classes). Classes are in label order ([`FASHION_CLASSES`]), examples by class, then
/// by their index in the idx file; names are like "train/01234". 28×28 gray → RGB.
pub fn fashion_mnist(
    dir: &Path,
    per_class: usize,
    test: usize,
    seed: u64,
) -> Result<(ImageDataset, ImageDataset)> {
    let (train_images, train_labels) = (
        read_idx(dir, "train-images-idx3-ubyte")?,
        read_idx(dir, "train-labels-idx1-ubyte")?,
    );
    let (test_images, test_labels) = (
        read_idx(dir, "t10k-images-idx3-ubyte")?,
        read_idx(dir, "t10k-labels-idx1-ubyte")?,
    );
    let mut rng = Rng::new(seed);
    let per_test: Vec<usize> = (0..10)
        .map(|c| test / 10 + usize::from(c < test % 10))
        .collect();
    let train = pick(
        &train_images,
        &train_labels,
        &[per_class; 10],
        &mut rng,
        "train",
    )?;
    let test = pick(&test_images, &test_labels, &per_test, &mut rng, "test")?;
    Ok((train, test))
}

/// Writes `per_class` Fashion-MNIST training images of each of `classes` (names from
/// [`FASHION_CLASSES`]) as 28×28 gray PNGs into `out/<class>/NNN.png` ('/' in a class name
/// becomes '-'), a folder the app and `train --task image` can load. Returns the files written.
pub fn write_sample(
    fashion_dir: &Path,
    out: &Path,
    classes: &[&str],
    per_class: usize,
    seed: u64,
) -> Result<usize> {
    let (train, _) = fashion_mnist(fashion_dir, per_class, 0, seed)?;
    let mut written = 0;
    for class in classes {
        if !FASHION_CLASSES.contains(class) {
            return Err(Error::Settings(format!(
                "'{class}' is not a Fashion-MNIST class: choose from {}",
                FASHION_CLASSES.join(", ")
            )));
        }
        let folder = out.join(class.replace('/', "-"));
        std::fs::create_dir_all(&folder)
            .map_err(|e| Error::Io(format!("{}: {e}", folder.display())))?;
        for (i, ex) in train
            .examples
            .iter()
            .filter(|e| e.label == *class)
            .enumerate()
        {
            let gray: Vec<u8> = ex.image.rgb.chunks(3).map(|p| p[0]).collect();
            let file = folder.join(format!("{i:03}.png"));
            image::save_buffer(&file, &gray, 28, 28, image::ExtendedColorType::L8)
                .map_err(|e| Error::Io(format!("{}: {e}", file.display())))?;
            written += 1;
        }
    }
    Ok(written)
}

struct Idx {
    /// Sizes after the count: [] for labels, [28, 28] for images.
    item: Vec<usize>,
    data: Vec<u8>,
}

impl Idx {
    fn len(&self) -> usize {
        self.data.len() / self.item.iter().product::<usize>().max(1)
    }
}

fn pick(
    images: &Idx,
    labels: &Idx,
    counts: &[usize],
    rng: &mut Rng,
    part: &str,
) -> Result<ImageDataset> {
    let bad = |m: String| Error::Io(format!("Fashion-MNIST {part}: {m}"));
    if images.item != [28, 28] || images.len() != labels.len() {
        return Err(bad(format!(
            "expected 28×28 images and one label each, found items {:?} ×{} and {} labels: reinstall dataset-fashion-mnist",
            images.item,
            images.len(),
            labels.len()
        )));
    }
    let mut examples = Vec::new();
    for (class, &want) in counts.iter().enumerate() {
        let mut idx: Vec<usize> = (0..labels.len())
            .filter(|&i| usize::from(labels.data[i]) == class)
            .collect();
        if want > idx.len() {
            return Err(Error::Settings(format!(
                "Fashion-MNIST {part} has {} images of '{}', fewer than the {want} asked for: ask for fewer",
                idx.len(),
                FASHION_CLASSES[class]
            )));
        }
        rng.shuffle(&mut idx);
        idx.truncate(want);
        idx.sort_unstable();
        for i in idx {
            let rgb = images.data[i * 784..(i + 1) * 784]
                .iter()
                .flat_map(|&g| [g, g, g])
                .collect();
            examples.push(ImageExample {
                name: format!("{part}/{i:05}"),
                label: FASHION_CLASSES[class].to_owned(),
                image: DecodedImage {
                    width: 28,
                    height: 28,
                    rgb,
                },
            });
        }
    }
    Ok(ImageDataset {
        examples,
        classes: FASHION_CLASSES.iter().map(|c| c.to_string()).collect(),
        problems: Vec::new(),
        notes: vec![format!(
            "Fashion-MNIST {part}: a seeded pick, balanced across the 10 classes"
        )],
    })
}

/// Reads `dir/stem.gz` (as Debian ships it) or `dir/stem` (unpacked): big-endian magic
/// `0 0 8 dims`, then one u32 size per dim, then u8 data.
fn read_idx(dir: &Path, stem: &str) -> Result<Idx> {
    let (gz, raw) = (dir.join(format!("{stem}.gz")), dir.join(stem));
    let io = |p: &Path, e: std::io::Error| Error::Io(format!("{}: {e}", p.display()));
    let bytes = if gz.is_file() {
        let file = std::fs::File::open(&gz).map_err(|e| io(&gz, e))?;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut out)
            .map_err(|e| io(&gz, e))?;
        out
    } else if raw.is_file() {
        std::fs::read(&raw).map_err(|e| io(&raw, e))?
    } else {
        return Err(Error::Io(format!(
            "{stem}(.gz) not found in {}: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist, \
             files in {FASHION_DIR}) or give the folder holding the idx files",
            dir.display()
        )));
    };
    let bad = || {
        Error::Io(format!(
            "{}: not an idx file of u8 data: reinstall dataset-fashion-mnist",
            gz.display()
        ))
    };
    if bytes.len() < 4 || bytes[..3] != [0, 0, 8] {
        return Err(bad());
    }
    let dims = usize::from(bytes[3]);
    let head = 4 + 4 * dims;
    let sizes: Vec<usize> = (0..dims)
        .map(|d| {
            bytes
                .get(4 + 4 * d..8 + 4 * d)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        })
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    if dims == 0 || bytes.len() != head + sizes.iter().product::<usize>() {
        return Err(bad());
    }
    Ok(Idx {
        item: sizes[1..].to_vec(),
        data: bytes[head..].to_vec(),
    })
}
