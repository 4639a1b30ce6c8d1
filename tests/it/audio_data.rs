//! Sound clips in the CLI: the synthesised spoken-words set (scripts/fetch-model) loads with
//! one clip per file, a bad file or an empty class gets a message naming it while the rest
//! load, a zip gives what the folder gives, and Ogg Vorbis, FLAC and MP3 copies of a WAV decode
//! to its length.
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use tabtune::audio::clip::{CLIP_SAMPLES, to_clip};
use tabtune::audio::data::{AudioDataset, load_dir, load_unlabelled, load_zip};
use tabtune::audio::decode::decode;

use crate::common::root;

const WORDS: [&str; 8] = ["down", "go", "left", "no", "right", "stop", "up", "yes"];

fn spoken_words() -> PathBuf {
    let dir = root().join("models/samples/spoken-words");
    assert!(
        dir.join("README.txt").is_file(),
        "{} is missing: run scripts/fetch-model",
        dir.display()
    );
    dir
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_file())
        .count()
}

fn message<'a>(ds: &'a AudioDataset, name: &str) -> &'a str {
    let p = ds.problems.iter().find(|p| p.name.ends_with(name));
    &p.unwrap_or_else(|| panic!("no problem for {name}: {:#?}", ds.problems))
        .message
}

/// A 16 kHz mono 16-bit WAV of these samples.
fn wav(samples: &[f32]) -> Vec<u8> {
    let data = samples.len() as u32 * 2;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt \x10\0\0\0\x01\0\x01\0");
    b.extend_from_slice(&16_000u32.to_le_bytes());
    b.extend_from_slice(&32_000u32.to_le_bytes());
    b.extend_from_slice(b"\x02\0\x10\0data");
    b.extend_from_slice(&data.to_le_bytes());
    for s in samples {
        b.extend_from_slice(&((s * 32_767.0) as i16).to_le_bytes());
    }
    b
}

#[test]
fn the_spoken_words_load_one_clip_per_file() {
    let dir = spoken_words();
    for (side, per_word) in [("train", 85), ("test", 24)] {
        let ds = load_dir(&dir.join(side)).unwrap();
        assert!(ds.problems.is_empty(), "{side}: {:#?}", ds.problems);
        assert_eq!(ds.classes, WORDS, "{side}: classes sorted");
        for (class, count) in ds.class_counts() {
            assert_eq!(
                count,
                files_in(&dir.join(side).join(&class)),
                "{side}/{class}"
            );
            assert_eq!(
                count, per_word,
                "{side}/{class}: one clip per voice (README.txt)"
            );
        }
        assert!(ds.examples.iter().all(|e| e.clip.len() == CLIP_SAMPLES));
        // the files are exactly 1 s at 16 kHz, so the clip is the file (16-bit: k / 32768)
        let first = &ds.examples[0];
        let audio = decode(
            &first.name,
            &std::fs::read(dir.join(side).join(&first.name)).unwrap(),
        )
        .unwrap();
        assert_eq!(first.clip, audio.samples, "{}", first.name);
    }
}

#[test]
fn a_bad_file_or_an_empty_class_gets_its_message_and_the_rest_load() {
    let words = spoken_words().join("train");
    let tmp = tempfile::tempdir().unwrap();
    let put = |name: &str, bytes: &[u8]| {
        let path = tmp.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    for (class, voice) in [("yes", "en-us-m1"), ("yes", "en-gb-f1"), ("no", "en-us-m1")] {
        put(
            &format!("{class}/{voice}.wav"),
            &std::fs::read(words.join(class).join(format!("{voice}.wav"))).unwrap(),
        );
    }
    put(
        "no/notes.wav",
        b"recorded on monday, the second take is better",
    );
    put("no/quiet.wav", &wav(&[0.0; 16_000]));
    put("no/click.wav", &wav(&[0.5; 800]));
    put("stray.wav", &wav(&[0.5; 16_000]));
    std::fs::create_dir(tmp.path().join("maybe")).unwrap();

    let ds = load_dir(tmp.path()).unwrap();
    assert_eq!(ds.classes, ["no", "yes"]);
    assert_eq!(ds.examples.len(), 3, "{:#?}", ds.problems);
    for (name, expected) in [
        (
            "no/notes.wav",
            "named .wav but its content is not WAV, MP3, Ogg Vorbis or FLAC audio",
        ),
        ("no/quiet.wav", "the clip is silent"),
        (
            "no/click.wav",
            "the clip is 0.050 s long, shorter than the 0.1 s",
        ),
        ("stray.wav", "not in a class folder"),
        (
            "maybe/",
            "no clip of class 'maybe' could be read (or its folder is empty)",
        ),
    ] {
        let m = message(&ds, name);
        assert!(m.contains(expected), "{name}: {m}");
    }
    assert_eq!(ds.problems.len(), 5, "{:#?}", ds.problems);

    // one class left: refused, saying what to add
    std::fs::remove_dir_all(tmp.path().join("no")).unwrap();
    let e = load_dir(tmp.path()).unwrap_err().to_string();
    assert!(
        e.contains("has only one class ('yes', 2 clips): a classifier needs at least two"),
        "{e}"
    );
}

#[test]
fn a_zip_of_the_class_folders_gives_what_the_folder_gives() {
    let dir = spoken_words().join("test");
    let folder = load_dir(&dir).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for e in &folder.examples {
        // inside a wrapping folder, as zipping a folder gives
        w.start_file(
            format!("test/{}", e.name),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(&std::fs::read(dir.join(&e.name)).unwrap())
            .unwrap();
    }
    let zipped = load_zip(&w.finish().unwrap().into_inner()).unwrap();
    assert_eq!(zipped.classes, folder.classes);
    assert_eq!(zipped.notes, ["the class folders are inside 'test/'"]);
    let strip = |ds: &AudioDataset| -> Vec<(String, Vec<f32>)> {
        ds.examples
            .iter()
            .map(|e| (e.label.clone(), e.clip.clone()))
            .collect()
    };
    assert!(
        strip(&zipped) == strip(&folder),
        "the same clips in the same order"
    );
}

#[test]
fn ogg_flac_and_mp3_copies_decode_to_the_wavs_length() {
    let dir = spoken_words().join("formats");
    let read = |name: &str| decode(name, &std::fs::read(dir.join(name)).unwrap()).unwrap();
    let wav = read("yes.wav");
    assert_eq!(
        (wav.sample_rate, wav.channels, wav.frames()),
        (16_000, 1, 16_000)
    );
    let reference = to_clip(&wav.samples, 1, 16_000).unwrap();
    // (name, lowest signal-to-error ratio against the WAV's clip, dB): lossless FLAC is exact;
    // Vorbis (sox's default quality) measured 16.4 dB and MP3 (64 kbit/s) 23.2 dB, the same as
    // libvorbis (sox) and lame --decode give; one sample of misalignment would drop both to 4-5 dB
    for (name, min_db) in [
        ("yes.flac", f64::INFINITY),
        ("yes.ogg", 14.0),
        ("yes.mp3", 20.0),
    ] {
        let audio = read(name);
        assert_eq!((audio.sample_rate, audio.channels), (16_000, 1), "{name}");
        // the encoders' delay and padding are trimmed (Vorbis granule positions, LAME's header)
        assert!(
            audio.frames().abs_diff(wav.frames()) <= 1,
            "{name}: {} frames",
            audio.frames()
        );
        let clip = to_clip(&audio.samples, 1, 16_000).unwrap();
        let signal: f64 = reference.iter().map(|v| f64::from(*v).powi(2)).sum();
        let error: f64 = clip
            .iter()
            .zip(&reference)
            .map(|(a, b)| f64::from(a - b).powi(2))
            .sum();
        let db = 10.0 * (signal / error).log10();
        assert!(
            db >= min_db,
            "{name}: the decoded clip is {db:.1} dB above its error, not {min_db}"
        );
    }
}

#[test]
fn a_folder_of_unlabelled_clips_reads_every_sound_file() {
    let tmp = tempfile::tempdir().unwrap();
    let words = spoken_words().join("test");
    std::fs::copy(words.join("go/en-us-nyc-m2.wav"), tmp.path().join("a.wav")).unwrap();
    std::fs::create_dir(tmp.path().join("more")).unwrap();
    std::fs::copy(
        spoken_words().join("formats/yes.ogg"),
        tmp.path().join("more/b.ogg"),
    )
    .unwrap();
    std::fs::write(tmp.path().join("notes.txt"), b"not a clip").unwrap();
    std::fs::write(tmp.path().join("broken.mp3"), b"not an mp3 either").unwrap();
    let (clips, problems) = load_unlabelled(tmp.path()).unwrap();
    let names: Vec<&str> = clips.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["a.wav", "more/b.ogg"]);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].message.starts_with("named .mp3 but"),
        "{}",
        problems[0]
    );
}
