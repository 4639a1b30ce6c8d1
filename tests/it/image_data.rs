//! Labelled images in the CLI: every bad file gets a message naming it while the good files
//! still load, and a folder, a zip (with or without a wrapping folder) and a labels.csv in a
//! zip give the same data. All files are generated (image_data/files.rs; no fixtures).
use std::path::Path;

use tabtune::image::data::{
    self as images, ImageDataset, decode, fashion_mnist, load_dir, load_zip, write_sample,
};

mod files;

use files::*;

/// (label, file name, pixels): what must agree whatever the source.
fn content(ds: &ImageDataset) -> Vec<(String, String, usize, usize, Vec<u8>)> {
    let mut v: Vec<_> = ds
        .examples
        .iter()
        .map(|e| {
            (
                e.label.clone(),
                e.name.rsplit('/').next().unwrap().to_owned(),
                e.image.width,
                e.image.height,
                e.image.rgb.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn message<'a>(ds: &'a ImageDataset, name: &str) -> &'a str {
    let p = ds.problems.iter().find(|p| p.name.ends_with(name));
    &p.unwrap_or_else(|| panic!("no problem for {name}: {:#?}", ds.problems))
        .message
}

#[test]
fn every_bad_file_gets_a_message_naming_it_and_the_rest_load() {
    let dir = tempfile::tempdir().unwrap();
    let bad = bad_files();
    let all: Vec<(String, Vec<u8>)> = good_files()
        .into_iter()
        .chain(bad.iter().map(|(n, b, _)| (n.clone(), b.clone())))
        .collect();
    write_tree(dir.path(), &all);
    std::fs::create_dir(dir.path().join("birds")).unwrap();
    std::fs::write(dir.path().join("cats/.DS_Store"), b"junk").unwrap();

    let ds = load_dir(dir.path(), 64).unwrap();
    assert_eq!(ds.classes, ["cats", "dogs"]);
    assert_eq!(ds.examples.len(), 5, "{:#?}", ds.problems);
    for (name, _, expected) in &bad {
        let m = message(&ds, name);
        assert!(m.contains(expected), "{name}: {m}");
        // each says what to do, not only what is wrong
        assert!(m.contains(':'), "{name}: {m}");
    }
    let birds = message(&ds, "birds/");
    assert!(
        birds.contains("class 'birds'") && birds.contains("left out"),
        "{birds}"
    );
    assert_eq!(ds.problems.len(), bad.len() + 1, "{:#?}", ds.problems);

    let by_name = |n: &str| &ds.examples.iter().find(|e| e.name == n).unwrap().image;
    let big = by_name("dogs/big.png");
    assert_eq!(
        (big.width, big.height),
        (64, 43),
        "downscaled to max_side, aspect kept"
    );
    let gray = by_name("cats/gray.jpg");
    assert!(
        gray.rgb.chunks(3).all(|p| p[0] == p[1] && p[1] == p[2]),
        "gray → equal RGB"
    );
    assert!(
        by_name("cats/clear.png").rgb.iter().all(|&v| v == 255),
        "transparent → white"
    );
    assert_eq!(
        ds.examples
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        [
            "cats/a.png",
            "cats/clear.png",
            "cats/gray.jpg",
            "dogs/b.png",
            "dogs/big.png"
        ]
    );
}

#[test]
fn decode_names_the_file() {
    let err = decode("photos/x.jpg", &cmyk_jpeg()).unwrap_err();
    assert_eq!(err.name, "photos/x.jpg");
    assert!(
        err.to_string().starts_with("photos/x.jpg: a CMYK JPEG"),
        "{err}"
    );
    assert!(err.message.contains("save it as RGB (sRGB)"));
    assert!(
        decode("notes.txt", b"hello")
            .unwrap_err()
            .message
            .starts_with("not an image")
    );
    let ok = decode("a.png", &png(3, 2, 7)).unwrap();
    assert_eq!((ok.width, ok.height, ok.rgb.len()), (3, 2, 18));
}

#[test]
fn folder_zip_wrapped_zip_and_labels_csv_give_the_same_data() {
    let good = good_files();
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &good);
    let from_dir = load_dir(dir.path(), 64).unwrap();

    let plain = load_zip(&zip(&good), 64).unwrap();
    let mut wrapped_files: Vec<(String, Vec<u8>)> = good
        .iter()
        .map(|(n, b)| (format!("my data/{n}"), b.clone()))
        .collect();
    wrapped_files.push((
        "__MACOSX/my data/cats/._a.png".into(),
        b"resource fork".to_vec(),
    ));
    wrapped_files.push(("my data/.DS_Store".into(), b"junk".to_vec()));
    let wrapped = load_zip(&zip(&wrapped_files), 64).unwrap();
    assert!(wrapped.problems.is_empty(), "{:#?}", wrapped.problems);

    // labels.csv: flat files, labels in the CSV (no header here), plus a row for a missing file
    let mut flat: Vec<(String, Vec<u8>)> = good
        .iter()
        .map(|(n, b)| (format!("set/img/{}", n.replace('/', "_")), b.clone()))
        .collect();
    let csv: String = good
        .iter()
        .map(|(n, _)| {
            format!(
                "img/{},{}\n",
                n.replace('/', "_"),
                n.split('/').next().unwrap()
            )
        })
        .collect();
    flat.push((
        "set/labels.csv".into(),
        format!("{csv}img/gone.png,cats\n").into_bytes(),
    ));
    let from_csv = load_zip(&zip(&flat), 64).unwrap();
    assert_eq!(from_csv.problems.len(), 1, "{:#?}", from_csv.problems);
    assert_eq!(from_csv.problems[0].name, "set/labels.csv line 6");
    assert!(
        from_csv.problems[0]
            .message
            .contains("'img/gone.png' is not in the zip")
    );

    let strip = |ds: &ImageDataset| {
        content(ds)
            .into_iter()
            .map(|(l, n, w, h, p)| (l, n.rsplit('_').next().unwrap().to_owned(), w, h, p))
            .collect::<Vec<_>>()
    };
    for ds in [&plain, &wrapped, &from_csv] {
        assert_eq!(ds.classes, from_dir.classes);
        assert_eq!(strip(ds), strip(&from_dir));
    }
    // an unrelated CSV beside class folders does not turn the zip into a CSV zip
    let mut with_csv = good.clone();
    with_csv.push(("scores.csv".into(), b"run,accuracy\n1,0.9\n".to_vec()));
    let ds = load_zip(&zip(&with_csv), 64).unwrap();
    assert_eq!(strip(&ds), strip(&from_dir));
    assert!(message(&ds, "scores.csv").contains("not in a class folder"));
    // same bytes, same order: deterministic
    let again = load_zip(&zip(&good), 64).unwrap();
    assert_eq!(again.examples, plain.examples);
}

#[test]
fn class_names_with_spaces_and_unicode() {
    let files = vec![
        ("chats noirs/1.png".to_owned(), png(4, 4, 1)),
        ("Hunde ß/2.png".to_owned(), png(4, 4, 2)),
        ("猫/3.png".to_owned(), png(4, 4, 3)),
    ];
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &files);
    let ds = load_dir(dir.path(), 0).unwrap();
    assert_eq!(ds.classes, ["Hunde ß", "chats noirs", "猫"]);
    assert_eq!(load_zip(&zip(&files), 0).unwrap().classes, ds.classes);
}

#[test]
fn one_class_or_no_image_is_an_error_that_says_why() {
    let one = zip(&[
        ("cats/a.png".into(), png(4, 4, 1)),
        ("dogs/bad.png".into(), b"x".to_vec()),
    ]);
    let err = load_zip(&one, 0).unwrap_err().to_string();
    assert!(
        err.contains("only one class ('cats', 1 image)") && err.contains("at least two"),
        "{err}"
    );
    let none = zip(&[
        ("cats/a.jpg".into(), b"x".to_vec()),
        ("dogs/b.jpg".into(), b"y".to_vec()),
    ]);
    let err = load_zip(&none, 0).unwrap_err().to_string();
    assert!(
        err.contains(
            "no image in the zip could be used (2 problems, the first: cats/a.jpg: named .jpg"
        ),
        "{err}"
    );
    assert!(
        load_zip(b"not a zip", 0)
            .unwrap_err()
            .to_string()
            .contains("not a zip")
    );
    let empty = tempfile::tempdir().unwrap();
    assert!(
        load_dir(empty.path(), 0)
            .unwrap_err()
            .to_string()
            .contains("has no images")
    );
}

#[test]
fn a_zip_entry_over_the_size_limit_is_refused_not_inflated() {
    let bomb = vec![0u8; (images::MAX_FILE_BYTES + 1) as usize];
    let files = vec![
        ("cats/a.png".into(), png(4, 4, 1)),
        ("dogs/b.png".into(), png(4, 4, 2)),
        ("dogs/bomb.png".into(), bomb),
    ];
    let zipped = zip(&files);
    assert!(zipped.len() < 1 << 20, "deflate shrinks zeros");
    let ds = load_zip(&zipped, 0).unwrap();
    assert!(
        message(&ds, "dogs/bomb.png").contains("over the 64 MB limit"),
        "{:#?}",
        ds.problems
    );
    assert_eq!(ds.examples.len(), 2);
}

#[test]
fn fashion_mnist_is_a_seeded_balanced_pick_and_writes_a_sample() {
    let dir = Path::new(images::FASHION_DIR);
    assert!(
        dir.is_dir(),
        "Fashion-MNIST is missing: apt-get install dataset-fashion-mnist"
    );
    let (train, test) = fashion_mnist(dir, 5, 23, 7).unwrap();
    assert_eq!(train.classes, images::FASHION_CLASSES);
    assert_eq!(train.examples.len(), 50);
    assert_eq!(test.examples.len(), 23);
    assert!(train.class_counts().iter().all(|(_, n)| *n == 5));
    assert_eq!(test.class_counts()[0].1, 3); // 23 = 3 + 3 + 3 + 2 × 7
    assert!(
        train
            .examples
            .iter()
            .all(|e| (e.image.width, e.image.height, e.image.rgb.len()) == (28, 28, 28 * 28 * 3))
    );
    let (again, _) = fashion_mnist(dir, 5, 23, 7).unwrap();
    assert_eq!(again.examples, train.examples);
    let (other, _) = fashion_mnist(dir, 5, 23, 8).unwrap();
    assert_ne!(other.examples, train.examples);

    let out = tempfile::tempdir().unwrap();
    assert_eq!(
        write_sample(dir, out.path(), &images::SAMPLE_CLASSES, 4, 1).unwrap(),
        16
    );
    let sample = load_dir(out.path(), 0).unwrap();
    assert_eq!(sample.classes, ["Bag", "Pullover", "Sneaker", "Trouser"]);
    assert_eq!(sample.examples.len(), 16);
    assert!(sample.problems.is_empty());
}
