//! sellout library.
