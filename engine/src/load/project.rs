//! The project scan: which `.dig` files digdag loads as workflows, and how `wf lint DIR...`
//! finds the projects in a folder tree.
//!
//! digdag (`ProjectArchive.listFiles` + `WorkflowResourceMatcher.defaultMatcher` +
//! `DigdagIgnore`) loads the **top-level** regular files of the project directory whose name
//! ends with `.dig`, skipping names that start with `.` and paths matched by the project root's
//! `.digdagignore` (gitignore syntax, see [`DigdagIgnore`]). Files in subdirectories are only
//! loaded when a `call>` names them.

use super::FileSystem;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One digdag project found by [`find_projects`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// The project directory (as given or joined from a given path; not canonicalized).
    pub root: PathBuf,
    /// The workflow files to lint, sorted: the top-level `.dig` files of `root` (see
    /// [`workflow_files`]), or just the named files when files were given.
    pub workflows: Vec<PathBuf>,
    /// The root of the nearest enclosing project when this one was found inside another
    /// project's tree. Its files may be `call>` targets or `!include` fragments of that project.
    pub parent: Option<PathBuf>,
}

/// The workflow files digdag loads from the project directory `root`, sorted by name: regular
/// files (symlinks followed) directly in `root` whose name ends with `.dig` and does not start
/// with `.`, and that `root/.digdagignore` does not ignore.
pub fn workflow_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let ignore = load_digdagignore(root)?;
    let mut files = Vec::new();
    for entry in fs::read_dir(root)? {
        let entry = entry?;
        let name = entry.file_name();
        let bytes = name.as_encoded_bytes();
        if bytes.starts_with(b".") || !bytes.ends_with(b".dig") {
            continue;
        }
        let path = entry.path();
        // `Files.isRegularFile` follows symlinks; a broken link is not a regular file.
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        if ignore
            .as_ref()
            .is_some_and(|gi| gi.is_ignored(Path::new(&name), false))
        {
            continue;
        }
        files.push(path);
    }
    files.sort();
    Ok(files)
}

/// The workflow name digdag gives a top-level workflow file: its file name without `.dig`
/// (`ProjectArchive.resourceNameToWorkflowName`). Non-UTF-8 names are converted lossily.
pub fn workflow_name(file: &Path) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.strip_suffix(".dig") {
        Some(stem) => stem.to_owned(),
        None => name,
    }
}

/// The projects to lint for `wf lint PATH...`, sorted by root.
///
/// * A `PATH` that is a file is linted as a workflow of its directory's project:
///   `Project { root: <parent dir or ".">, workflows: [PATH] }` (several files of one directory
///   share one project).
/// * A `PATH` that is a directory is walked: the directory itself and every directory below it
///   that holds top-level workflow files ([`workflow_files`]) is a project. The walk continues
///   below projects, so nested projects (e.g. sub-workflow folders of `call>` targets) are found
///   too, with [`Project::parent`] set. It skips directories whose name starts with `.`,
///   `node_modules` and `target`, directories ignored by the `.digdagignore` of an enclosing
///   project, and directories already visited through a symlink.
///
/// Errors: a `PATH` that does not exist or whose directory cannot be read (the message names the
/// path). Unreadable directories *below* a given directory are skipped.
pub fn find_projects(paths: &[PathBuf]) -> io::Result<Vec<Project>> {
    let mut found: BTreeMap<PathBuf, Project> = BTreeMap::new();
    let mut visited = HashSet::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| with_path(e, path))?;
        if meta.is_dir() {
            let mut walker = Walker {
                found: &mut found,
                visited: &mut visited,
                ignores: Vec::new(),
            };
            walker.walk(path, None, true)?;
        } else {
            let root = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let project = found.entry(root.clone()).or_insert_with(|| Project {
                root,
                workflows: Vec::new(),
                parent: None,
            });
            if !project.workflows.contains(path) {
                project.workflows.push(path.clone());
                project.workflows.sort();
            }
        }
    }
    Ok(found.into_values().collect())
}

/// Directory names never searched for projects.
const SKIPPED_DIRS: &[&str] = &["node_modules", "target"];

struct Walker<'a> {
    found: &'a mut BTreeMap<PathBuf, Project>,
    visited: &'a mut HashSet<PathBuf>,
    /// `.digdagignore` matchers of the enclosing projects, with their roots.
    ignores: Vec<(PathBuf, DigdagIgnore)>,
}

impl Walker<'_> {
    fn walk(&mut self, dir: &Path, parent: Option<&Path>, explicit: bool) -> io::Result<()> {
        let key = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !self.visited.insert(key) {
            return Ok(());
        }
        let files = match workflow_files(dir) {
            Ok(files) => files,
            Err(e) if explicit => return Err(with_path(e, dir)),
            Err(_) => return Ok(()),
        };
        let is_project = !files.is_empty();
        if is_project {
            let project = self
                .found
                .entry(dir.to_path_buf())
                .or_insert_with(|| Project {
                    root: dir.to_path_buf(),
                    workflows: Vec::new(),
                    parent: parent.map(Path::to_path_buf),
                });
            for f in files {
                if !project.workflows.contains(&f) {
                    project.workflows.push(f);
                }
            }
            project.workflows.sort();
        }
        let pushed = match is_project.then(|| load_digdagignore(dir)) {
            Some(Ok(Some(gi))) => {
                self.ignores.push((dir.to_path_buf(), gi));
                true
            }
            _ => false,
        };
        let mut subdirs = Vec::new();
        if let Ok(entries) = fs::read_dir(dir) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                if name.as_encoded_bytes().starts_with(b".")
                    || SKIPPED_DIRS.iter().any(|s| name == *s)
                {
                    continue;
                }
                let path = entry.path();
                if fs::metadata(&path).is_ok_and(|m| m.is_dir()) && !self.is_ignored(&path) {
                    subdirs.push(path);
                }
            }
        }
        subdirs.sort();
        let child_parent = if is_project { Some(dir) } else { parent };
        for sub in subdirs {
            self.walk(&sub, child_parent, false)?;
        }
        if pushed {
            self.ignores.pop();
        }
        Ok(())
    }

    fn is_ignored(&self, dir: &Path) -> bool {
        self.ignores.iter().any(|(root, gi)| {
            dir.strip_prefix(root)
                .is_ok_and(|rel| gi.is_ignored(rel, true))
        })
    }
}

/// The `.digdagignore` matcher of a project root on disk, if the file exists.
fn load_digdagignore(root: &Path) -> io::Result<Option<DigdagIgnore>> {
    let file = root.join(DIGDAGIGNORE);
    if !file.exists() {
        return Ok(None);
    }
    let bytes = fs::read(&file)?;
    Ok(Some(DigdagIgnore::parse(
        root,
        &String::from_utf8_lossy(&bytes),
    )))
}

/// File name of a project's ignore list.
pub const DIGDAGIGNORE: &str = ".digdagignore";

/// A project's `.digdagignore`: gitignore patterns (digdag parses them with JGit's
/// `IgnoreNode`) matched against paths relative to the project root. digdag applies it when it
/// lists the project's files (`ProjectArchive.listFiles`, for `digdag push` and for loading the
/// workflows of `digdag run`): an ignored file is not part of the project, and nothing below an
/// ignored directory is listed (a later `!pattern` cannot bring a file of an ignored directory
/// back, as in git).
#[derive(Clone, Debug)]
pub struct DigdagIgnore {
    matcher: Gitignore,
}

impl DigdagIgnore {
    /// The patterns of `text` (the content of `root/.digdagignore`). Lines that are not valid
    /// patterns are skipped, as JGit skips them.
    pub fn parse(root: &Path, text: &str) -> DigdagIgnore {
        let mut builder = GitignoreBuilder::new(root);
        for line in text.lines() {
            let _ = builder.add_line(None, line);
        }
        DigdagIgnore {
            matcher: builder.build().unwrap_or_else(|_| Gitignore::empty()),
        }
    }

    /// The `.digdagignore` of the project at `root` as `fs` reads it (`None` when there is
    /// none or it cannot be read).
    pub fn read(fs: &dyn FileSystem, root: &Path) -> Option<DigdagIgnore> {
        let bytes = fs.read(&root.join(DIGDAGIGNORE)).ok()?;
        Some(DigdagIgnore::parse(root, &String::from_utf8_lossy(&bytes)))
    }

    /// Whether the file (or directory, `is_dir`) at `rel`, a path relative to the project
    /// root, is ignored: it or a directory above it matches. A path that leaves the root
    /// (`..`, absolute) is never ignored.
    pub fn is_ignored(&self, rel: &Path, is_dir: bool) -> bool {
        let rel = super::normalize_path(rel);
        if rel.as_os_str().is_empty()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return false;
        }
        // Top down, like the listing: an ignored directory is not entered.
        let mut prefix = PathBuf::new();
        let mut parts = rel.components().peekable();
        while let Some(part) = parts.next() {
            prefix.push(part);
            let last = parts.peek().is_none();
            if self
                .matcher
                .matched(&prefix, if last { is_dir } else { true })
                .is_ignore()
            {
                return true;
            }
        }
        false
    }
}

fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch directory under the system temp dir, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir =
                std::env::temp_dir().join(format!("wf-project-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).expect("create scratch dir");
            Scratch(dir)
        }

        fn file(&self, rel: &str, text: &str) -> PathBuf {
            let path = self.0.join(rel);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).expect("create parent");
            }
            fs::write(&path, text).expect("write file");
            path
        }

        fn dir(&self, rel: &str) -> PathBuf {
            let path = self.0.join(rel);
            fs::create_dir_all(&path).expect("create dir");
            path
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn names(paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| {
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    const WF: &str = "+t:\n  echo>: hi\n";

    #[test]
    fn top_level_dig_files_only() {
        let s = Scratch::new("top");
        s.file("b.dig", WF);
        s.file("a.dig", WF);
        s.file(".hidden.dig", WF);
        s.file("notes.txt", "x");
        s.file("a.dig.bak", "x");
        s.file("x.DIG", "x");
        s.dir("dir.dig");
        s.file("sub/c.dig", WF);
        assert_eq!(
            names(&workflow_files(&s.0).unwrap_or_default()),
            ["a.dig", "b.dig"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_and_broken_ones_skipped() {
        let s = Scratch::new("links");
        let a = s.file("a.dig", WF);
        let _ = std::os::unix::fs::symlink(&a, s.0.join("link.dig"));
        let _ = std::os::unix::fs::symlink(s.0.join("missing"), s.0.join("broken.dig"));
        assert_eq!(
            names(&workflow_files(&s.0).unwrap_or_default()),
            ["a.dig", "link.dig"]
        );
    }

    #[test]
    fn digdagignore_is_honoured() {
        let s = Scratch::new("ignore");
        s.file("a.dig", WF);
        s.file("skip.dig", WF);
        s.file("tmp_1.dig", WF);
        s.file(".digdagignore", "# comment\nskip.dig\ntmp_*.dig\n");
        assert_eq!(names(&workflow_files(&s.0).unwrap_or_default()), ["a.dig"]);

        fs::write(s.0.join(".digdagignore"), "*.dig\n!tmp_1.dig\n").unwrap_or(());
        assert_eq!(
            names(&workflow_files(&s.0).unwrap_or_default()),
            ["tmp_1.dig"]
        );
    }

    #[test]
    fn digdagignore_fixture() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/ide/digdagignore");
        let projects = find_projects(std::slice::from_ref(&root)).unwrap_or_default();
        let found: Vec<(String, Vec<String>)> = projects
            .iter()
            .map(|p| {
                let rel = p.root.strip_prefix(&root).unwrap_or(&p.root);
                (rel.display().to_string(), names(&p.workflows))
            })
            .collect();
        // test_main.dig and the scratch/ directory are ignored; lib/ holds a `call>` target.
        assert_eq!(
            found,
            [
                (String::new(), vec!["main.dig".to_string()]),
                ("lib".to_string(), vec!["load.dig".to_string()]),
            ]
        );
    }

    #[test]
    fn ignored_directories_hide_what_they_hold() {
        let root = Path::new("/p");
        let gi = DigdagIgnore::parse(root, "build/\n*.tmp\n!build/keep.dig\n/only_top.dig\n");
        let ignored = |p: &str, dir: bool| gi.is_ignored(Path::new(p), dir);
        assert!(ignored("build", true));
        assert!(!ignored("build", false), "`build/` names directories only");
        // Nothing below an ignored directory is listed, even a negated pattern.
        assert!(ignored("build/keep.dig", false));
        assert!(ignored("build/deep/x.dig", false));
        assert!(ignored("a.tmp", false) && ignored("sub/a.tmp", false));
        assert!(ignored("only_top.dig", false) && !ignored("sub/only_top.dig", false));
        // Paths that leave the root, and the root itself, are never ignored.
        assert!(!ignored("../build/x.dig", false));
        assert!(!ignored("/p/build/x.dig", false));
        assert!(!ignored("", true));
        assert!(!ignored("ok.dig", false));
    }

    #[test]
    fn workflow_names() {
        assert_eq!(workflow_name(Path::new("/p/daily.dig")), "daily");
        assert_eq!(workflow_name(Path::new("x.dig.dig")), "x.dig");
        assert_eq!(workflow_name(Path::new("noext")), "noext");
        assert_eq!(workflow_name(Path::new("")), "");
    }

    #[test]
    fn finds_projects_in_a_tree() {
        let s = Scratch::new("tree");
        s.file("proj_a/a.dig", WF);
        s.file("proj_a/b.dig", WF);
        s.file("proj_a/.digdagignore", "build/\n");
        s.file("proj_a/sub/c.dig", WF);
        s.file("proj_a/build/d.dig", WF);
        s.file("group/proj_b/x.dig", WF);
        s.file("group/proj_b/node_modules/pkg/y.dig", WF);
        s.file("group/proj_b/target/w.dig", WF);
        s.file("group/.git/z.dig", WF);
        s.file("group/readme.md", "x");
        s.dir("empty");

        let projects = find_projects(std::slice::from_ref(&s.0)).unwrap_or_default();
        let roots: Vec<PathBuf> = projects.iter().map(|p| p.root.clone()).collect();
        assert_eq!(
            roots,
            [
                s.0.join("group/proj_b"),
                s.0.join("proj_a"),
                s.0.join("proj_a/sub")
            ]
        );
        assert_eq!(names(&projects[0].workflows), ["x.dig"]);
        assert_eq!(projects[0].parent, None);
        assert_eq!(names(&projects[1].workflows), ["a.dig", "b.dig"]);
        assert_eq!(projects[2].parent, Some(s.0.join("proj_a")));
        assert_eq!(projects[2].workflows, [s.0.join("proj_a/sub/c.dig")]);

        // A project directory given directly: itself plus nested projects.
        let projects = find_projects(&[s.0.join("proj_a")]).unwrap_or_default();
        let roots: Vec<PathBuf> = projects.iter().map(|p| p.root.clone()).collect();
        assert_eq!(roots, [s.0.join("proj_a"), s.0.join("proj_a/sub")]);

        // An empty directory holds no project.
        assert_eq!(find_projects(&[s.0.join("empty")]).ok(), Some(vec![]));

        // Overlapping paths are merged.
        let projects = find_projects(&[s.0.join("proj_a"), s.0.join("proj_a/b.dig"), s.0.clone()])
            .unwrap_or_default();
        assert_eq!(projects.len(), 3);
        assert_eq!(names(&projects[1].workflows), ["a.dig", "b.dig"]);
    }

    #[test]
    fn files_are_linted_in_their_directory_project() {
        let s = Scratch::new("files");
        let a = s.file("p/a.dig", WF);
        let odd = s.file("p/.odd.dig", WF);
        s.file("p/b.dig", WF);
        let projects = find_projects(&[a.clone(), odd.clone()]).unwrap_or_default();
        assert_eq!(
            projects,
            [Project {
                root: s.0.join("p"),
                workflows: vec![odd, a],
                parent: None,
            }]
        );
    }

    #[test]
    fn relative_file_without_directory_uses_dot() {
        // `Path::parent` of a bare file name is empty; the project root is then ".".
        let projects = find_projects(&[PathBuf::from("Cargo.toml")]).unwrap_or_default();
        assert_eq!(projects.len(), 1);
        assert_eq!(projects[0].root, PathBuf::from("."));
        assert_eq!(projects[0].workflows, [PathBuf::from("Cargo.toml")]);
    }

    #[test]
    fn missing_path_is_an_error_naming_it() {
        let s = Scratch::new("missing");
        let p = s.0.join("nope");
        let e = find_projects(std::slice::from_ref(&p)).err();
        assert_eq!(
            e.as_ref().map(io::Error::kind),
            Some(io::ErrorKind::NotFound)
        );
        let msg = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains(&p.display().to_string()), "{msg}");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_terminate() {
        let s = Scratch::new("loop");
        s.file("p/a.dig", WF);
        let _ = std::os::unix::fs::symlink(&s.0, s.0.join("p/back"));
        let projects = find_projects(std::slice::from_ref(&s.0)).unwrap_or_default();
        let roots: Vec<PathBuf> = projects.iter().map(|p| p.root.clone()).collect();
        assert_eq!(roots, [s.0.join("p")]);
    }

    #[test]
    fn treasure_boxes_corpus() {
        let root = Path::new("/work/shared/corpus/treasure-boxes");
        if !root.is_dir() {
            eprintln!("corpus not present; skipping");
            return;
        }
        let projects = find_projects(&[root.to_path_buf()]).unwrap_or_default();
        assert!(projects.len() > 150, "{} projects", projects.len());
        let kintone = projects
            .iter()
            .find(|p| p.root == root.join("integration-box/kintone"));
        let kintone = kintone.map(|p| names(&p.workflows)).unwrap_or_default();
        assert_eq!(
            kintone,
            [
                "delete_records.dig",
                "get_records.dig",
                "main.dig",
                "post_records.dig",
                "put_records.dig"
            ]
        );
        // Every .dig file of the corpus belongs to exactly one project.
        let total: usize = projects.iter().map(|p| p.workflows.len()).sum();
        assert_eq!(total, 270);
    }
}
