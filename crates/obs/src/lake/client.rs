//! [`LakeClient`]: the small Peak_Trade-facing client over any `ObjectStore`, opened from a URL.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use futures::TryStreamExt;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};

use crate::lake::metrics::LakeMetrics;
use crate::lake::store::InstrumentedStore;

/// Reads and writes objects by path (`bars/BTC.csv`) in one lake.
#[derive(Debug, Clone)]
pub struct LakeClient {
    store: Arc<dyn ObjectStore>,
    url: String,
}

impl LakeClient {
    /// Opens `file:///absolute/dir` (created when missing) or `memory://`.
    pub fn open(url: &str) -> Result<Self> {
        let store: Arc<dyn ObjectStore> = if let Some(dir) = url.strip_prefix("file://") {
            if !dir.starts_with('/') {
                bail!("lake URL {url:?} needs an absolute path, like file:///data/lake");
            }
            std::fs::create_dir_all(dir).with_context(|| format!("create lake directory {dir}"))?;
            Arc::new(LocalFileSystem::new_with_prefix(dir).with_context(|| format!("open lake directory {dir}"))?)
        } else if url == "memory://" || url == "memory:///" {
            Arc::new(InMemory::new())
        } else {
            bail!("lake URL {url:?} is not supported; use file:///absolute/dir or memory://");
        };
        Ok(Self { store, url: url.to_string() })
    }

    /// A client over an existing store.
    pub fn from_store(store: impl ObjectStore, url: impl Into<String>) -> Self {
        Self { store: Arc::new(store), url: url.into() }
    }

    /// The same lake with every operation traced and measured.
    pub fn instrumented(self, metrics: LakeMetrics) -> Self {
        let store = InstrumentedStore::with_url(self.store, metrics, self.url.clone());
        Self { store: Arc::new(store), url: self.url }
    }

    /// The URL it was opened from.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The underlying store, for libraries that take an `ObjectStore`.
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        self.store.clone()
    }

    /// The whole object at `path`.
    pub async fn read(&self, path: &str) -> Result<Bytes> {
        let location = parse(path)?;
        let got = self.store.get(&location).await.with_context(|| format!("read {path} from {}", self.url))?;
        got.bytes().await.with_context(|| format!("read the body of {path} from {}", self.url))
    }

    /// Writes `data` to `path`, replacing what was there.
    pub async fn write(&self, path: &str, data: impl Into<Bytes>) -> Result<()> {
        let location = parse(path)?;
        self.store.put(&location, data.into().into()).await.with_context(|| format!("write {path} to {}", self.url))?;
        Ok(())
    }

    /// Whether `path` exists.
    pub async fn exists(&self, path: &str) -> Result<bool> {
        match self.store.head(&parse(path)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(err) => Err(err).with_context(|| format!("look up {path} in {}", self.url)),
        }
    }

    /// Paths under `prefix` (everything when `None`), sorted.
    pub async fn list(&self, prefix: Option<&str>) -> Result<Vec<String>> {
        let prefix = prefix.map(parse).transpose()?;
        let metas: Vec<_> = self
            .store
            .list(prefix.as_ref())
            .try_collect()
            .await
            .with_context(|| format!("list {} under {prefix:?}", self.url))?;
        let mut paths: Vec<String> = metas.into_iter().map(|m| m.location.to_string()).collect();
        paths.sort();
        Ok(paths)
    }

    /// Removes `path`.
    pub async fn delete(&self, path: &str) -> Result<()> {
        self.store.delete(&parse(path)?).await.with_context(|| format!("delete {path} from {}", self.url))
    }
}

fn parse(path: &str) -> Result<Path> {
    Path::parse(path).with_context(|| format!("{path:?} is not a valid lake path (use a/b/c.csv)"))
}
