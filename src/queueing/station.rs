//! A station: c identical servers, one FIFO queue, and an optional capacity K
//! (customers in the station, waiting plus in service) beyond which arrivals are
//! blocked and lost. The station decides who is served when; the caller owns
//! time and randomness, so it draws the service time and schedules the end.

use std::collections::VecDeque;

use super::stats::StationStats;
use crate::engine::Time;

/// A customer waiting for, or in, service, with the caller's payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting<J> {
    /// When the customer arrived at this station.
    pub arrived: Time,
    /// Whatever the caller attaches (a request, a fan id, nothing).
    pub job: J,
}

/// What happened to an arriving customer.
#[derive(Debug, PartialEq)]
pub enum Admission<J> {
    /// A server was free: service starts now. Schedule its end.
    Serve(J),
    /// All servers busy; the customer waits in the queue.
    Queued,
    /// The station was full (capacity K reached); the customer is lost.
    Blocked(J),
}

/// A multi-server FIFO station.
#[derive(Clone, Debug)]
pub struct Station<J> {
    servers: u32,
    capacity: u32,
    busy: u32,
    queue: VecDeque<Waiting<J>>,
    stats: StationStats,
}

impl<J> Station<J> {
    /// `servers` ≥ 1; `capacity` (K ≥ servers) or `None` for an unbounded queue.
    pub fn new(servers: u32, capacity: Option<u32>, warmup_end: Time) -> Station<J> {
        let capacity = capacity.unwrap_or(u32::MAX);
        assert!(
            capacity >= servers,
            "capacity must be at least the number of servers"
        );
        Station {
            servers,
            capacity,
            busy: 0,
            queue: VecDeque::new(),
            stats: StationStats::new(warmup_end),
        }
    }

    /// Customers in the station (waiting and in service).
    #[inline]
    pub fn in_system(&self) -> u32 {
        self.busy + self.queue.len() as u32
    }

    /// Customers waiting for a server.
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// Servers currently busy.
    pub fn busy(&self) -> u32 {
        self.busy
    }

    /// Number of servers.
    pub fn servers(&self) -> u32 {
        self.servers
    }

    /// Statistics so far.
    pub fn stats(&self) -> &StationStats {
        &self.stats
    }

    /// A customer arrives at `now`.
    #[inline]
    pub fn arrive(&mut self, now: Time, job: J) -> Admission<J> {
        let blocked = self.in_system() >= self.capacity;
        self.stats.on_arrival(now, blocked);
        if blocked {
            return Admission::Blocked(job);
        }
        if self.busy < self.servers {
            self.busy += 1;
            self.stats.on_service_start(now, now);
            self.record_levels(now);
            Admission::Serve(job)
        } else {
            self.queue.push_back(Waiting { arrived: now, job });
            self.record_levels(now);
            Admission::Queued
        }
    }

    /// Changes the number of servers at `now` (a crash, a repair, autoscaling).
    /// Services in progress finish; while more are busy than there are servers,
    /// nobody new starts. Returns the customers whose service starts now.
    pub fn set_servers(&mut self, now: Time, servers: u32) -> Vec<Waiting<J>> {
        self.servers = servers;
        let mut started = Vec::new();
        while self.busy < self.servers {
            let Some(waiting) = self.queue.pop_front() else {
                break;
            };
            self.busy += 1;
            self.stats.on_service_start(now, waiting.arrived);
            started.push(waiting);
        }
        self.record_levels(now);
        started
    }

    /// A service that began for a customer who arrived at `arrived` ends at `now`.
    /// Returns the next customer to serve, whose service starts now.
    #[inline]
    pub fn depart(&mut self, now: Time, arrived: Time) -> Option<Waiting<J>> {
        debug_assert!(self.busy > 0, "departure from an idle station");
        self.stats.on_departure(now, arrived);
        // After a capacity cut, busy may exceed servers: drain before starting anyone.
        let next = if self.busy > self.servers {
            None
        } else {
            self.queue.pop_front()
        };
        match &next {
            Some(waiting) => self.stats.on_service_start(now, waiting.arrived),
            None => self.busy -= 1,
        }
        self.record_levels(now);
        next
    }

    #[inline]
    fn record_levels(&mut self, now: Time) {
        self.stats
            .on_levels(now, self.queue.len() as u64, u64::from(self.busy));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_with_blocking_at_capacity() {
        let mut station = Station::new(1, Some(2), Time(0));
        assert_eq!(station.arrive(Time(0), 'a'), Admission::Serve('a'));
        assert_eq!(station.arrive(Time(1), 'b'), Admission::Queued);
        assert_eq!(station.arrive(Time(2), 'c'), Admission::Blocked('c'));
        let next = station.depart(Time(5), Time(0)).unwrap();
        assert_eq!(
            next,
            Waiting {
                arrived: Time(1),
                job: 'b'
            }
        );
        assert_eq!(station.depart(Time(9), Time(1)), None);
        assert_eq!(station.in_system(), 0);
        let report = station.stats().report(Time(10), 1);
        assert_eq!(report.served, 2);
        assert_eq!(report.blocked_fraction, 1.0 / 3.0);
        assert_eq!(report.utilization, 0.9);
        // b waited 4ns of the 10ns window
        assert_eq!(report.queue_len_mean, 0.4);
    }
}
