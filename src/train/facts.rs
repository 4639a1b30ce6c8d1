//! What a finished run was, for its model card (`export::card`): the facts the trainer already
//! reports (`progress::RunFacts`), gathered once, and kept in a finished checkpoint so a saved
//! model keeps its card.
use super::trainer::Trainer;
use crate::progress::RunFacts;

impl Trainer {
    /// The run's facts as they stand (at the end of a run: what its model card says).
    pub fn facts(&self) -> RunFacts {
        let kept = self.kept_epoch();
        let info = &self.info;
        RunFacts {
            kind: self.kind().name().into(),
            task: info.task,
            labels: info.labels.clone(),
            data: self.data_summary.clone(),
            train_rows: info.train_rows,
            val_rows: info.val_rows,
            frozen: info.frozen_layers,
            trainable: info.trainable_layers,
            units: self.kind().units().into(),
            trainable_params: info.trainable_params,
            settings: self.cfg.clone(),
            epochs: self.history.clone(),
            kept_epoch: kept,
            validation: self.history.get(kept.wrapping_sub(1)).and_then(|e| e.val_metrics.clone()),
            date: today(),
        }
    }
}

/// Today (UTC) as YYYY-MM-DD, from the clock web_time reads on both targets.
pub fn today() -> String {
    let secs = web_time::SystemTime::now().duration_since(web_time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar: Howard
/// Hinnant's `civil_from_days` (http://howardhinnant.github.io/date_algorithms.html).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        // 2000-02-29 (a leap day of a century leap year) and 2026-12-07
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_794), (2026, 12, 7));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
