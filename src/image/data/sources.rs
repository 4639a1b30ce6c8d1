//! Where labelled images come from in the CLI: a folder of class folders on disk, or a zip
//! of class folders or with a `labels.csv`. Reading and decoding are here; which file gets
//! which label is decided in `layout.rs` / `labels_csv.rs`.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use zip::ZipArchive;

use super::layout::{Layout, Placed, folder_layout};
use super::placement::{labels_file, place};
use super::problems::{self, MAX_FILE_BYTES, is_ignored, normalize_path};
use super::dataset::{ImageDataset, ImageExample, ImageProblem};
use super::decode::decode_max;
use super::finish::{data_error, finish};
use crate::error::{Error, Result};

/// All entries of one zip together may inflate to at most this; past it the rest are
/// refused (a zip bomb made of many entries, each under the per-file limit).
const MAX_ZIP_TOTAL: u64 = 4 << 30;
const MAX_ZIP_ENTRIES: usize = 200_000;

/// A folder with one sub-folder per class (the folder's name is the class). Files directly
/// in `path` have no label and are listed as problems; files in sub-folders of a class
/// folder count for that class (a note says so); hidden files are skipped. `max_side`: see
/// [`decode_max`].
pub fn load_dir(path: &Path, max_side: usize) -> Result<ImageDataset> {
    if !path.is_dir() {
        return Err(Error::Io(format!(
            "{}: not a folder: give a folder with one sub-folder per class (or a .zip of them)",
            path.display()
        )));
    }
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    walk(path, "", &mut files, &mut dirs)?;
    let layout = folder_layout(&files, &dirs);
    let mut problems = layout.problems;
    let mut examples = Vec::new();
    for Placed { path: name, label } in layout.placed {
        let file = path.join(&name);
        let bytes = match std::fs::metadata(&file) {
            Ok(m) if m.len() > MAX_FILE_BYTES => Err(problems::too_large_file(m.len())),
            Ok(_) => std::fs::read(&file).map_err(|e| problems::unreadable(&e.to_string())),
            Err(e) => Err(problems::unreadable(&e.to_string())),
        };
        match bytes
            .map_err(|m| ImageProblem::new(name.clone(), m))
            .and_then(|b| decode_max(&name, &b, max_side))
        {
            Ok(image) => examples.push(ImageExample { name, label, image }),
            Err(p) => problems.push(p),
        }
    }
    finish(
        examples,
        &layout.classes,
        problems,
        layout.notes,
        &format!("the folder {}", path.display()),
    )
}

/// Files and folders below `dir`, relative ('/'-separated), sorted. Symlinked folders are not
/// followed (a link to a parent would never end). The sound kind lists its folders with it too.
pub(crate) fn walk(dir: &Path, prefix: &str, files: &mut Vec<String>, dirs: &mut Vec<String>) -> Result<()> {
    let io = |e: std::io::Error| Error::Io(format!("{}: {e}", dir.display()));
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            dirs.push(rel.clone());
            walk(&entry.path(), &rel, files, dirs)?;
        } else if !kind.is_symlink() || entry.path().is_file() {
            files.push(rel);
        }
    }
    Ok(())
}

/// A zip of class folders (optionally inside one wrapping folder, as zipping a folder
/// gives), or a zip with `labels.csv` (or a single other `.csv`) of `path,label` rows.
/// `__MACOSX/`, `.DS_Store` and hidden files are skipped. Each entry may inflate to at
/// most [`MAX_FILE_BYTES`] (checked while inflating, not trusted from the header).
pub fn load_zip(bytes: &[u8], max_side: usize) -> Result<ImageDataset> {
    let ZipFiles { mut zip, mut reader, files, dirs, mut problems } = ZipFiles::open(bytes)?;
    let csv = labels_file(&files)?;
    let text = match &csv {
        Some(csv) => Some(reader.read(&mut zip, csv).map_err(|m| data_error(format!("{csv}: {m}")))?),
        None => None,
    };
    let Layout { placed, classes, problems: placing, notes } = place(&files, &dirs, csv.as_deref().zip(text.as_deref()))?;
    problems.extend(placing);
    let mut examples = Vec::new();
    for Placed { path, label } in placed {
        let image = reader
            .read(&mut zip, &path)
            .map_err(|m| ImageProblem::new(path.clone(), m))
            .and_then(|b| decode_max(&path, &b, max_side));
        match image {
            Ok(image) => examples.push(ImageExample {
                name: path,
                label,
                image,
            }),
            Err(p) => problems.push(p),
        }
    }
    finish(examples, &classes, problems, notes, "the zip")
}

/// A zip's listing, before any entry is inflated: shared by the image and sound loaders.
pub(crate) struct ZipFiles<'a> {
    pub zip: ZipArchive<Cursor<&'a [u8]>>,
    pub reader: ZipReader,
    /// Normalised paths, sorted; hidden files and `__MACOSX/` left out.
    pub files: Vec<String>,
    pub dirs: Vec<String>,
    /// Entries whose header could not be read.
    pub problems: Vec<ImageProblem>,
}

impl<'a> ZipFiles<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<ZipFiles<'a>> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            data_error(format!(
                "the file is not a zip that can be read ({e}): zip the class folders again (e.g. right-click → Compress) and retry"
            ))
        })?;
        if zip.len() > MAX_ZIP_ENTRIES {
            return Err(data_error(format!(
                "the zip has {} entries, more than the {MAX_ZIP_ENTRIES} this reads: split it into smaller zips",
                zip.len()
            )));
        }
        let mut listing = ZipFiles {
            zip,
            reader: ZipReader { index: HashMap::new(), inflated: 0 },
            files: Vec::new(),
            dirs: Vec::new(),
            problems: Vec::new(),
        };
        for i in 0..listing.zip.len() {
            match listing.zip.by_index_raw(i) {
                Ok(entry) => {
                    let name = entry.name().map(|n| normalize_path(&n)).unwrap_or_default();
                    if name.is_empty() || is_ignored(&name) {
                        continue;
                    }
                    if entry.is_dir() {
                        listing.dirs.push(name);
                    } else {
                        listing.reader.index.insert(name.clone(), i);
                        listing.files.push(name);
                    }
                }
                Err(e) => listing.problems.push(ImageProblem::new(
                    format!("entry {i}"),
                    problems::unreadable(&e.to_string()),
                )),
            }
        }
        listing.files.sort();
        Ok(listing)
    }
}

pub(crate) struct ZipReader {
    /// Normalised path → entry index.
    index: HashMap<String, usize>,
    inflated: u64,
}

impl ZipReader {
    /// One entry's bytes, at most [`MAX_FILE_BYTES`] whatever its header claims.
    pub fn read(&mut self, zip: &mut ZipArchive<Cursor<&[u8]>>, path: &str) -> Result<Vec<u8>, String> {
        let Some(&i) = self.index.get(path) else {
            return Err(problems::unreadable("not in the zip"));
        };
        let entry = zip
            .by_index(i)
            .map_err(|e| problems::unreadable(&e.to_string()))?;
        if entry.size() > MAX_FILE_BYTES {
            return Err(problems::too_large_file(entry.size()));
        }
        if self.inflated + entry.size() > MAX_ZIP_TOTAL {
            return Err(format!(
                "left out: the zip's files add up to more than {} GB when unpacked: split it into smaller zips",
                MAX_ZIP_TOTAL >> 30
            ));
        }
        let mut bytes = Vec::new();
        entry
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| problems::damaged(&format!("the zip entry could not be unpacked: {e}")))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(problems::too_large_file(bytes.len() as u64));
        }
        self.inflated += bytes.len() as u64;
        Ok(bytes)
    }
}
