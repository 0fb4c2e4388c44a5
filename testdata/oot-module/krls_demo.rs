// SPDX-License-Identifier: GPL-2.0

//! A crafted module for krls's lint tests: each marked line holds one mistake.

use kernel::prelude::*;

module! {
    type: KrlsDemo,
    name: "krls_demo",
    author: "krls",
    description: "lint test module",
    license: "MIT",
    params: 3,
}

struct KrlsDemo {
    lock: *mut core::ffi::c_void,
}

impl KrlsDemo {
    fn lock(&self) {
        // SAFETY: `lock` points to an initialised mutex owned by this module.
        unsafe { bindings::mutex_lock(self.lock.cast()) };
    }

    fn peek(&self) -> *mut core::ffi::c_void {
        let p = self.lock;
        unsafe { core::ptr::read_volatile(&p) }
    }
}

impl kernel::Module for KrlsDemo {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("krls_demo loaded\n");
        Err(ENODEV)
    }
}
