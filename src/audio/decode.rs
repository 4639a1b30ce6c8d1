//! Native decoding with symphonia (the page decodes with `decodeAudioData` instead): a file's
//! bytes → interleaved f32 samples, their rate and channel count, or a problem that names the
//! file and says what to do. WAV (PCM), MP3, Ogg Vorbis and FLAC are read; what browsers record
//! (WebM or Ogg with Opus) and M4A/MP4 (AAC) are named and refused with the conversion to run.

use std::io::Cursor;

use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

use super::clip::{ClipError, MAX_SECONDS};
use super::data::problems::{self, AudioProblem};

/// Decoded audio as it is in the file, before [`super::clip::to_clip`].
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedAudio {
    /// Interleaved: frame by frame, each frame `channels` samples, in [−1, 1].
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    pub channels: usize,
}

impl DecodedAudio {
    pub fn frames(&self) -> usize {
        self.samples.len() / self.channels.max(1)
    }
}

/// Decodes the first audio track of `bytes`. The name (its extension) is a hint to the prober
/// and is used in messages. Refused, with the reason: not audio, a container or codec the CLI
/// does not read (said which, and how to convert), damaged, no samples, longer than
/// [`MAX_SECONDS`] (decoding stops there: an hour of MP3 is not held in memory to be refused).
pub fn decode(name: &str, bytes: &[u8]) -> Result<DecodedAudio, AudioProblem> {
    let problem = |message: String| AudioProblem::new(name, message);
    if let Some(format) = unsupported_format(bytes) {
        return Err(problem(problems::unsupported(format)));
    }
    let mut hint = Hint::new();
    if let Some(ext) = name.rsplit_once('.').map(|(_, e)| e) {
        hint.with_extension(ext);
    }
    let source = MediaSourceStream::new(Box::new(Cursor::new(bytes.to_vec())), Default::default());
    let mut reader = symphonia::default::get_probe()
        .probe(
            &hint,
            source,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|_| problem(problems::not_audio(name)))?;
    let track = reader
        .default_track(TrackType::Audio)
        .ok_or_else(|| problem(problems::not_audio(name)))?;
    let track_id = track.id;
    let params = track.codec_params.as_ref().and_then(|p| p.audio()).cloned();
    let params = params.ok_or_else(|| problem(problems::not_audio(name)))?;
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| problem(problems::unsupported_codec(&e.to_string())))?;

    let (mut samples, mut rate, mut channels) = (Vec::new(), 0u32, 0usize);
    let mut chunk: Vec<f32> = Vec::new();
    loop {
        let packet = match reader.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            // a file cut short ends where its data ends, as players do
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(problem(problems::damaged(&e.to_string()))),
        };
        if packet.track_id != track_id {
            continue;
        }
        let buffer = match decoder.decode(&packet) {
            Ok(buffer) => buffer,
            // one bad packet is skipped (a click), as players do; the rest still decodes
            Err(SymError::DecodeError(_)) => continue,
            Err(e) => return Err(problem(problems::damaged(&e.to_string()))),
        };
        let spec = buffer.spec();
        if channels == 0 {
            (rate, channels) = (spec.rate(), spec.channels().count());
        } else if (rate, channels) != (spec.rate(), spec.channels().count()) {
            return Err(problem(problems::changes_format()));
        }
        buffer.copy_to_vec_interleaved(&mut chunk);
        samples.extend_from_slice(&chunk);
        let seconds = (samples.len() / channels.max(1)) as f64 / f64::from(rate.max(1));
        if seconds > MAX_SECONDS {
            return Err(problem(ClipError::TooLong { seconds }.to_string()));
        }
    }
    if samples.is_empty() || channels == 0 {
        return Err(problem(problems::no_samples()));
    }
    Ok(DecodedAudio {
        samples,
        sample_rate: rate,
        channels,
    })
}

/// Formats recognised by their first bytes that symphonia (as built here) cannot decode, named
/// as users know them.
fn unsupported_format(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(64)];
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Some("WebM/Matroska (what browsers record, usually Opus)");
    }
    if head.len() >= 8 && &head[4..8] == b"ftyp" {
        return Some("M4A/MP4 (usually AAC)");
    }
    if head.starts_with(b"OggS") && head.windows(8).any(|w| w == b"OpusHead") {
        return Some("Ogg Opus");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 16-bit PCM WAV of `frames` frames (`channels` channels), sample i·k = k·1000 + i.
    fn wav(rate: u32, channels: u16, frames: usize) -> Vec<u8> {
        let data_len = frames * usize::from(channels) * 2;
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(36 + data_len as u32).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&channels.to_le_bytes());
        b.extend_from_slice(&rate.to_le_bytes());
        b.extend_from_slice(&(rate * u32::from(channels) * 2).to_le_bytes());
        b.extend_from_slice(&(channels * 2).to_le_bytes());
        b.extend_from_slice(&16u16.to_le_bytes());
        b.extend_from_slice(b"data");
        b.extend_from_slice(&(data_len as u32).to_le_bytes());
        for i in 0..frames {
            for k in 0..channels {
                b.extend_from_slice(&((i % 1000) as i16 + 1000 * k as i16).to_le_bytes());
            }
        }
        b
    }

    #[test]
    fn a_stereo_wav_decodes_interleaved_at_its_rate() {
        let audio = decode("a.wav", &wav(22_050, 2, 3_000)).unwrap();
        assert_eq!(
            (audio.sample_rate, audio.channels, audio.frames()),
            (22_050, 2, 3_000)
        );
        // frame 5: left 5, right 1005, in 16-bit units
        assert_eq!(audio.samples[10], 5.0 / 32_768.0);
        assert_eq!(audio.samples[11], 1_005.0 / 32_768.0);
    }

    #[test]
    fn what_is_not_read_is_named_with_what_to_do() {
        let e = decode("x.wav", b"hello, this is text").unwrap_err();
        assert!(
            e.message.contains("named .wav but its content is not"),
            "{e}"
        );
        let webm = [&[0x1A, 0x45, 0xDF, 0xA3][..], &[0; 40]].concat();
        let e = decode("rec.webm", &webm).unwrap_err();
        assert!(
            e.message.contains("WebM") && e.message.contains("ffmpeg"),
            "{e}"
        );
        let long = decode("long.wav", &wav(8_000, 1, 8_000 * 61)).unwrap_err();
        assert!(long.message.contains("more than the 60 s"), "{long}");
    }
}
