//! Where sound clips come from in the CLI: a folder of class folders on disk, a zip of class
//! folders, or a folder of unlabelled clips for `predict`. Listing and placing files is the
//! image kind's (`walk`, `ZipFiles`, `folder_layout`: paths only); decoding and the clip rule
//! are here.

use std::path::Path;

use super::dataset::{AudioDataset, AudioExample, finish};
use super::problems::{self, AudioProblem, MAX_FILE_BYTES};
use crate::audio::clip::to_clip;
use crate::audio::decode::decode;
use crate::error::{Error, Result};
use crate::image::data::problems::unreadable;
use crate::image::data::{Layout, Placed, ZipFiles, folder_layout, walk};

/// A folder with one sub-folder per class (the folder's name is the class): `words/yes/*.wav`,
/// `words/no/*.wav`. Each file is decoded and made one clip ([`to_clip`]); a file that cannot be
/// is a problem naming it, and the others still load. Files directly in `path` have no label
/// (a problem each); files in sub-folders of a class folder count for it (a note says so);
/// hidden files are skipped. Only no usable clip, or one class, is an error.
pub fn load_dir(path: &Path) -> Result<AudioDataset> {
    let (files, dirs) = list(
        path,
        "give a folder with one sub-folder per class (or a .zip of them)",
    )?;
    let Layout {
        placed,
        classes,
        problems: placing,
        notes,
    } = folder_layout(&files, &dirs);
    let mut problems = placing;
    let mut examples = Vec::new();
    for Placed { path: name, label } in placed {
        match read_file(&path.join(&name)).and_then(|bytes| file_to_clip(&name, &bytes)) {
            Ok(clip) => examples.push(AudioExample { name, label, clip }),
            Err(message) => problems.push(AudioProblem::new(name, message)),
        }
    }
    finish(
        examples,
        &classes,
        problems,
        notes,
        &format!("the folder {}", path.display()),
    )
}

/// A zip of class folders (optionally inside one wrapping folder, as zipping a folder gives).
/// `__MACOSX/`, `.DS_Store` and hidden files are skipped; each entry may inflate to at most the
/// image loader's limit (64 MB), checked while inflating.
pub fn load_zip(bytes: &[u8]) -> Result<AudioDataset> {
    let ZipFiles {
        mut zip,
        mut reader,
        files,
        dirs,
        mut problems,
    } = ZipFiles::open(bytes)?;
    let Layout {
        placed,
        classes,
        problems: placing,
        notes,
    } = folder_layout(&files, &dirs);
    problems.extend(placing);
    let mut examples = Vec::new();
    for Placed { path: name, label } in placed {
        match reader
            .read(&mut zip, &name)
            .and_then(|bytes| file_to_clip(&name, &bytes))
        {
            Ok(clip) => examples.push(AudioExample { name, label, clip }),
            Err(message) => problems.push(AudioProblem::new(name, message)),
        }
    }
    finish(examples, &classes, problems, notes, "the zip")
}

/// Every sound file below `path` (any depth, sorted by path), each made one clip, for
/// `predict`: (name relative to `path`, clip), and the files that could not be used. Files
/// whose extension is not a sound format's are left out silently (a folder of recordings often
/// holds notes or pictures too). No usable clip is an error.
pub fn load_unlabelled(path: &Path) -> Result<(Vec<(String, Vec<f32>)>, Vec<AudioProblem>)> {
    let (files, _) = list(path, "give a folder of sound clips")?;
    let (mut clips, mut bad) = (Vec::new(), Vec::new());
    for name in files
        .into_iter()
        .filter(|f| problems::has_audio_extension(f))
    {
        match read_file(&path.join(&name)).and_then(|bytes| file_to_clip(&name, &bytes)) {
            Ok(clip) => clips.push((name, clip)),
            Err(message) => bad.push(AudioProblem::new(name, message)),
        }
    }
    if clips.is_empty() {
        return Err(Error::Settings(problems::no_clips(
            &format!("the folder {}", path.display()),
            &bad,
        )));
    }
    Ok((clips, bad))
}

/// One file's bytes → one clip, or the message that says why not.
pub fn file_to_clip(name: &str, bytes: &[u8]) -> Result<Vec<f32>, String> {
    let audio = decode(name, bytes).map_err(|p| p.message)?;
    to_clip(&audio.samples, audio.channels, audio.sample_rate).map_err(|e| e.to_string())
}

/// The files and folders below `path` (relative, sorted; hidden ones are left out by the
/// layout), or an error saying what to give instead.
fn list(path: &Path, instead: &str) -> Result<(Vec<String>, Vec<String>)> {
    if !path.is_dir() {
        return Err(Error::Io(format!(
            "{}: not a folder: {instead}",
            path.display()
        )));
    }
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    walk(path, "", &mut files, &mut dirs)?;
    files.retain(|f| !crate::image::data::problems::is_ignored(f));
    Ok((files, dirs))
}

fn read_file(file: &Path) -> Result<Vec<u8>, String> {
    match std::fs::metadata(file) {
        Ok(m) if m.len() > MAX_FILE_BYTES => Err(problems::too_large_file(m.len())),
        Ok(_) => std::fs::read(file).map_err(|e| unreadable(&e.to_string())),
        Err(e) => Err(unreadable(&e.to_string())),
    }
}
