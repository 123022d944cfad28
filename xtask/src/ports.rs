//! Are the stack's host ports free? Each port is tried with a real bind on the bind address; a
//! port in use is named with its variable and, when `/proc` shows it, the process holding it
//! (`/proc/net/tcp{,6}` gives the listening socket's inode, `/proc/<pid>/fd` its owner).

use std::net::TcpListener;

use obs_stack::{Endpoints, Port};

/// A port some other process holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    /// The port-table row.
    pub port: Port,
    /// The host port in force.
    pub number: u16,
    /// `(pid, command line)` of the holder, when found.
    pub holder: Option<(u32, String)>,
}

impl Busy {
    /// One line naming the port, its variable, and its holder when known.
    pub fn describe(&self, bind: &str) -> String {
        let who = match &self.holder {
            Some((pid, cmd)) => format!("held by pid {pid} ({cmd})"),
            None => "held by a process this user cannot see".into(),
        };
        format!("port {} ({}, {}) on {bind} is in use, {who}", self.number, self.port.env, self.port.label)
    }
}

/// Ports of `endpoints` that cannot be bound now, in port-table order.
pub fn busy(endpoints: &Endpoints) -> Vec<Busy> {
    let host = endpoints.bind.trim_matches(['[', ']']);
    endpoints
        .ports
        .iter()
        .filter(|(_, number)| TcpListener::bind((host, *number)).is_err())
        .map(|(port, number)| Busy { port: *port, number: *number, holder: holder(*number) })
        .collect()
}

/// The error text for busy ports: one line each, then what to do.
pub fn busy_message(endpoints: &Endpoints, busy: &[Busy]) -> String {
    let lines: Vec<String> = busy.iter().map(|b| format!("  {}", b.describe(&endpoints.bind))).collect();
    let example = busy.first().map_or(String::new(), |b| format!(" (for example {}={})", b.port.env, b.number + 10000));
    format!(
        "{} port(s) of the stack are in use:\n{}\nstop what holds them, or move the ports with their variables{example}",
        busy.len(),
        lines.join("\n")
    )
}

/// Two services set to one port can never both listen: the error names every clash and its
/// variables before anything starts (the server would otherwise blame "whatever holds that port").
pub fn duplicates(endpoints: &Endpoints) -> Option<String> {
    let mut clashes = Vec::new();
    for (i, (port, number)) in endpoints.ports.iter().enumerate() {
        let same: Vec<&str> =
            endpoints.ports[i + 1..].iter().filter(|(_, n)| n == number).map(|(p, _)| p.env).collect();
        if !same.is_empty() && !endpoints.ports[..i].iter().any(|(_, n)| n == number) {
            clashes.push(format!("  port {number} is set for {} and {}", port.env, same.join(" and ")));
        }
    }
    (!clashes.is_empty())
        .then(|| format!("two services of the stack share a port:\n{}\ngive each its own port", clashes.join("\n")))
}

/// The process listening on TCP `port`, if `/proc` shows one this user can see.
pub fn holder(port: u16) -> Option<(u32, String)> {
    let inodes: Vec<u64> = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .flat_map(|table| listening_inodes(&table, port))
        .collect();
    if inodes.is_empty() {
        return None;
    }
    let wanted: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    let procs = std::fs::read_dir("/proc").ok()?;
    procs.flatten().find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        let fds = std::fs::read_dir(entry.path().join("fd")).ok()?;
        let owns = fds.flatten().any(|fd| {
            std::fs::read_link(fd.path()).is_ok_and(|target| wanted.iter().any(|w| target.as_os_str() == w.as_str()))
        });
        owns.then(|| (pid, short_command(pid)))
    })
}

/// Inodes of sockets in state LISTEN (`0A`) on `port`, from one `/proc/net/tcp*` table.
fn listening_inodes(table: &str, port: u16) -> Vec<u64> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let local_port = cols.get(1)?.rsplit_once(':')?.1;
            let listening = *cols.get(3)? == "0A";
            let same_port = u16::from_str_radix(local_port, 16).ok()? == port;
            (listening && same_port).then(|| cols.get(9)?.parse().ok()).flatten()
        })
        .collect()
}

/// A process's command line, shortened to fit on one line.
fn short_command(pid: u32) -> String {
    let cmd = crate::backend::state::command_line(pid).join(" ");
    if cmd.chars().count() > 80 { format!("{}...", cmd.chars().take(77).collect::<String>()) } else { cmd }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A port held by this very test process is found busy and attributed to our pid.
    #[test]
    fn busy_port_names_its_holder() {
        let held = TcpListener::bind("127.0.0.1:0").unwrap();
        let number = held.local_addr().unwrap().port();
        let free = crate::testserver::closed_port().unwrap();
        let e = Endpoints::from_lookup(|name| match name {
            "OBS_TEMPO_PORT" => Some(number.to_string()),
            n if n.starts_with("OBS_") && n.ends_with("_PORT") => Some(free.to_string()),
            _ => None,
        })
        .unwrap();
        // Every other row shares the same free port, which binds fine one at a time.
        let found = busy(&e);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].port.env, "OBS_TEMPO_PORT");
        assert_eq!(found[0].holder.as_ref().map(|h| h.0), Some(std::process::id()));
        let line = found[0].describe("127.0.0.1");
        assert!(
            line.starts_with(&format!(
                "port {number} (OBS_TEMPO_PORT, Tempo) on 127.0.0.1 is in use, held by pid {}",
                std::process::id()
            )),
            "{line}"
        );
    }

    /// Only LISTEN rows on the asked port count, in both the IPv4 and IPv6 table layouts.
    #[test]
    fn parses_proc_net_tables() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:0C80 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0 100 0 0 10 0\n\
   1: 0100007F:0C80 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 20 4 30 10 -1\n\
   2: 00000000000000000000000001000000:0C80 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 3333 1\n";
        assert_eq!(listening_inodes(table, 3200), [1111, 3333]);
        assert!(listening_inodes(table, 3100).is_empty());
    }
}
