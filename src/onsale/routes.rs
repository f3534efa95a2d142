//! Each endpoint's path through the components, built from the model's
//! `[routes]` (or today's topology by default) and checked before a run: every
//! name is a configured component, none appears twice, the last one can answer
//! the endpoint (a hold or confirm must reach the database, which owns the seat
//! core), and every one before it can pass a request on.

use crate::model::{Component, Invalid, OnsaleSpec};
use crate::onsale::request::Endpoint;

/// The route of every endpoint; an endpoint the run never uses has none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Routes {
    paths: [Vec<Component>; Endpoint::COUNT],
}

/// Components that can answer `endpoint` (the last on its route).
fn answers(endpoint: Endpoint) -> &'static [Component] {
    match endpoint {
        Endpoint::EventPage => &[Component::App],
        Endpoint::SeatMap => &[Component::Replicas],
        Endpoint::Hold | Endpoint::Confirm => &[Component::Database],
        Endpoint::Payment => &[Component::Payment],
        Endpoint::AccessCode => &[Component::AccessCheck],
    }
}

/// Components that can pass `endpoint` on to the next one.
fn passes(endpoint: Endpoint) -> &'static [Component] {
    match endpoint {
        Endpoint::EventPage => &[Component::Cdn, Component::App],
        Endpoint::SeatMap => &[Component::Cdn, Component::App, Component::Cache],
        Endpoint::Hold | Endpoint::Confirm | Endpoint::Payment => &[Component::App],
        Endpoint::AccessCode => &[Component::Cdn, Component::App],
    }
}

fn quoted(components: &[Component]) -> String {
    components
        .iter()
        .map(|component| format!("\"{}\"", component.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The route written for `endpoint`, if any.
fn written(spec: &OnsaleSpec, endpoint: Endpoint) -> Option<&Vec<String>> {
    let routes = &spec.routes;
    match endpoint {
        Endpoint::EventPage => routes.event_page.as_ref(),
        Endpoint::SeatMap => routes.seat_map.as_ref(),
        Endpoint::Hold => routes.hold.as_ref(),
        Endpoint::Payment => routes.payment.as_ref(),
        Endpoint::Confirm => routes.confirm.as_ref(),
        Endpoint::AccessCode => routes.access_code.as_ref(),
    }
}

/// Today's topology, with the optional components where they belong.
fn default_route(spec: &OnsaleSpec, endpoint: Endpoint) -> Vec<Component> {
    use Component::*;
    match endpoint {
        Endpoint::EventPage => vec![Cdn, App],
        Endpoint::SeatMap if spec.cache.is_some() => vec![App, Cache, Replicas],
        Endpoint::SeatMap => vec![App, Replicas],
        Endpoint::Hold | Endpoint::Confirm => vec![App, Database],
        Endpoint::Payment => vec![App, Payment],
        Endpoint::AccessCode if spec.access_check.is_some() => vec![AccessCheck],
        Endpoint::AccessCode => Vec::new(),
    }
}

/// Is `component` configured in this model?
fn configured(spec: &OnsaleSpec, component: Component) -> bool {
    match component {
        Component::Cache => spec.cache.is_some(),
        Component::AccessCheck => spec.access_check.is_some(),
        _ => true,
    }
}

impl Routes {
    /// The routes of a spec, checked.
    pub fn build(spec: &OnsaleSpec) -> Result<Routes, Invalid> {
        let mut paths: [Vec<Component>; Endpoint::COUNT] = Default::default();
        for endpoint in Endpoint::ALL {
            paths[endpoint.index()] = match written(spec, endpoint) {
                Some(names) => parse(spec, endpoint, names)?,
                None => default_route(spec, endpoint),
            };
        }
        Ok(Routes { paths })
    }

    /// The component at `hop` of `endpoint`'s route.
    #[inline]
    pub fn at(&self, endpoint: Endpoint, hop: u8) -> Component {
        self.paths[endpoint.index()][usize::from(hop)]
    }

    /// True when `hop` is the last on `endpoint`'s route (it answers).
    #[inline]
    pub fn is_last(&self, endpoint: Endpoint, hop: u8) -> bool {
        usize::from(hop) + 1 == self.paths[endpoint.index()].len()
    }

    /// `endpoint`'s route.
    pub fn path(&self, endpoint: Endpoint) -> &[Component] {
        &self.paths[endpoint.index()]
    }

    /// Endpoints with a route, in journey order.
    pub fn endpoints(&self) -> impl Iterator<Item = Endpoint> + '_ {
        Endpoint::ALL
            .into_iter()
            .filter(|endpoint| !self.paths[endpoint.index()].is_empty())
    }

    /// True when some route passes `component`.
    pub fn uses(&self, component: Component) -> bool {
        self.paths.iter().any(|path| path.contains(&component))
    }
}

fn parse(
    spec: &OnsaleSpec,
    endpoint: Endpoint,
    names: &[String],
) -> Result<Vec<Component>, Invalid> {
    let field = format!("routes.{}", endpoint.name());
    let route = format!("{names:?}");
    let configured_names: Vec<Component> = Component::ALL
        .into_iter()
        .filter(|component| configured(spec, *component))
        .collect();
    Invalid::check(
        !names.is_empty(),
        &field,
        &route,
        format!("a non-empty list ending in {}", quoted(answers(endpoint))),
    )?;
    let mut path = Vec::new();
    for name in names {
        let component = Component::named(name).filter(|c| configured(spec, *c));
        let Some(component) = component else {
            let hint = match Component::named(name) {
                Some(_) => format!(" (add a [{name}] section to use \"{name}\")"),
                None => String::new(),
            };
            return Err(Invalid::new(
                &field,
                format!("{route}: \"{name}\""),
                format!(
                    "components of this model: {}{hint}",
                    quoted(&configured_names)
                ),
            ));
        };
        Invalid::check(
            !path.contains(&component),
            &field,
            format!("{route}: \"{name}\" twice"),
            "each component at most once (a route cannot loop)",
        )?;
        path.push(component);
    }
    let (last, before) = path.split_last().expect("checked non-empty");
    Invalid::check(
        answers(endpoint).contains(last),
        &field,
        format!("{route}: ends at \"{}\"", last.name()),
        format!(
            "a route ending in {}, the component that answers {}",
            quoted(answers(endpoint)),
            endpoint.name()
        ),
    )?;
    for component in before {
        Invalid::check(
            passes(endpoint).contains(component),
            &field,
            format!("{route}: \"{}\" before the end", component.name()),
            format!(
                "only {} before the last component of a {} route",
                quoted(passes(endpoint)),
                endpoint.name()
            ),
        )?;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CacheSpec, DistributionSpec, Duration};

    fn spec() -> OnsaleSpec {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/models/baseline.toml"))
                .expect("the baseline model");
        toml::from_str(&text).expect("the baseline parses")
    }

    fn with_cache(mut spec: OnsaleSpec) -> OnsaleSpec {
        spec.cache = Some(CacheSpec {
            ttl: Duration::from_secs_f64(1.0),
            capacity: 10,
            hit_latency: DistributionSpec::Det {
                value: Duration::from_secs_f64(0.001),
            },
            coalescing: true,
        });
        spec
    }

    #[test]
    fn defaults_are_todays_topology() {
        let routes = Routes::build(&spec()).unwrap();
        use Component::*;
        assert_eq!(routes.path(Endpoint::EventPage), [Cdn, App]);
        assert_eq!(routes.path(Endpoint::SeatMap), [App, Replicas]);
        assert_eq!(routes.path(Endpoint::Hold), [App, Database]);
        assert_eq!(routes.path(Endpoint::Payment), [App, Payment]);
        assert_eq!(routes.path(Endpoint::Confirm), [App, Database]);
        assert!(routes.path(Endpoint::AccessCode).is_empty());
        assert!(!routes.uses(Cache));
        let with = Routes::build(&with_cache(spec())).unwrap();
        assert_eq!(with.path(Endpoint::SeatMap), [App, Cache, Replicas]);
    }

    fn error(spec: &mut OnsaleSpec, seat_map: &[&str]) -> String {
        spec.routes.seat_map = Some(seat_map.iter().map(|s| s.to_string()).collect());
        Routes::build(spec).unwrap_err().to_string()
    }

    #[test]
    fn impossible_routes_name_the_route_and_the_component() {
        let mut spec = spec();
        let unknown = error(&mut spec, &["app", "redis", "replicas"]);
        assert!(
            unknown.contains("routes.seat_map") && unknown.contains("\"redis\""),
            "{unknown}"
        );
        let unconfigured = error(&mut spec, &["app", "cache", "replicas"]);
        assert!(
            unconfigured.contains("add a [cache] section"),
            "{unconfigured}"
        );
        let looped = error(&mut spec, &["app", "app", "replicas"]);
        assert!(looped.contains("\"app\" twice"), "{looped}");
        let dead_end = error(&mut spec, &["app"]);
        assert!(
            dead_end.contains("ends at \"app\"") && dead_end.contains("\"replicas\""),
            "{dead_end}"
        );
        let empty = error(&mut spec, &[]);
        assert!(empty.contains("non-empty"), "{empty}");
        let mut spec = self::spec();
        spec.routes.hold = Some(vec!["app".into(), "replicas".into()]);
        let wrong_owner = Routes::build(&spec).unwrap_err().to_string();
        assert!(
            wrong_owner.contains("routes.hold") && wrong_owner.contains("\"database\""),
            "{wrong_owner}"
        );
        let mut spec = self::spec();
        spec.routes.hold = Some(vec!["database".into(), "app".into()]);
        let terminal_first = Routes::build(&spec).unwrap_err().to_string();
        assert!(terminal_first.contains("routes.hold"), "{terminal_first}");
    }

    #[test]
    fn a_written_route_replaces_the_default() {
        let mut spec = with_cache(spec());
        spec.routes.seat_map = Some(vec![
            "cdn".into(),
            "app".into(),
            "cache".into(),
            "replicas".into(),
        ]);
        let routes = Routes::build(&spec).unwrap();
        assert_eq!(routes.path(Endpoint::SeatMap).len(), 4);
        assert!(routes.is_last(Endpoint::SeatMap, 3));
        assert_eq!(routes.at(Endpoint::SeatMap, 2), Component::Cache);
    }
}
