// Entry point of dist/firmware/banglejs2.js (stored on the device as Storage ".boot0").
import { startFirmware } from "../app/firmwareApp.js";
import { banglejs2Board } from "../board/banglejs2.js";

startFirmware(banglejs2Board());
