//! The messages for bad sound files and data. Each says what is wrong and what to do, because
//! it is shown to the user as is (after the file's name). Pure, so the page could use the same
//! words; the layout's own messages (a file outside a class folder, an unreadable file) are the
//! image kind's, which say nothing about images.

pub use crate::image::data::ImageProblem as AudioProblem;

/// One file (or zip entry, inflated) larger than this is refused without reading it whole: a
/// minute of 48 kHz stereo 32-bit WAV (the longest clip read, see `clip::MAX_SECONDS`) is 23 MB.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The formats the CLI decodes, as the messages name them.
pub const FORMATS: &str = "WAV, MP3, Ogg Vorbis or FLAC";
/// The extensions of those formats' files (and of the ones named when refused).
pub const AUDIO_EXTENSIONS: [&str; 9] = [
    "wav", "wave", "mp3", "ogg", "oga", "flac", "webm", "m4a", "opus",
];

fn extension(name: &str) -> Option<String> {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())
}

/// Whether the name looks like a sound file (its extension), for the wording of messages.
pub fn has_audio_extension(name: &str) -> bool {
    extension(name).is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.as_str()))
}

pub fn not_audio(name: &str) -> String {
    match extension(name) {
        Some(ext) if has_audio_extension(name) => format!(
            "named .{ext} but its content is not {FORMATS} audio (perhaps another kind of file renamed): \
             open it in an audio player and export it as WAV, or remove it"
        ),
        _ => format!("not a sound file ({FORMATS}): convert it to WAV, or remove it"),
    }
}

/// A container or codec recognised but not decoded in the CLI (`format` says which).
pub fn unsupported(format: &str) -> String {
    format!(
        "{format} is not read by the command line (it reads {FORMATS}): convert it, e.g. \
         `ffmpeg -i in.webm -ar 16000 -ac 1 out.wav`, or add it in the browser page, which decodes it"
    )
}

pub fn unsupported_codec(detail: &str) -> String {
    format!(
        "the file's audio codec is not read by the command line ({detail}; it reads {FORMATS}): \
         convert it, e.g. `ffmpeg -i in.x -ar 16000 -ac 1 out.wav`"
    )
}

pub fn damaged(detail: &str) -> String {
    format!(
        "the audio is damaged and could not be decoded ({detail}): \
         open it in an audio player and export it again, or remove it"
    )
}

pub fn changes_format() -> String {
    "the audio changes its sample rate or channels part-way through: export it again as one WAV, or remove it".to_owned()
}

pub fn no_samples() -> String {
    "the file holds no audio samples: record it again, or remove it".to_owned()
}

pub fn too_large_file(bytes: u64) -> String {
    format!(
        "the file is {} MB, over the {} MB limit for one clip: cut it to the word (about 1 s) and save it as WAV or MP3",
        bytes.div_ceil(1 << 20),
        MAX_FILE_BYTES >> 20
    )
}

pub fn class_left_out(class: &str) -> AudioProblem {
    AudioProblem::new(
        format!("{class}/"),
        format!(
            "no clip of class '{class}' could be read (or its folder is empty), so the class was left out: add recordings of '{class}' or remove it"
        ),
    )
}

pub fn no_clips(from: &str, problems: &[AudioProblem]) -> String {
    match problems.first() {
        None => format!(
            "{from} has no sound clips: put the clips in one folder per class (e.g. yes/1.wav, no/2.wav)"
        ),
        Some(first) => format!(
            "no clip in {from} could be used ({} problem{}, the first: {first}): fix these files or choose other data",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        ),
    }
}

pub fn one_class(class: &str, count: usize, from: &str) -> String {
    format!(
        "{from} has only one class ('{class}', {count} clip{}): a classifier needs at least two; \
         add a folder for each other class beside '{class}'",
        if count == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_renamed_file_is_told_apart_from_another_kind_of_file() {
        assert!(not_audio("yes/a.WAV").starts_with("named .wav but"));
        assert!(not_audio("yes/notes.txt").starts_with("not a sound file"));
    }
}
