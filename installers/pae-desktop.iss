; Inno Setup script of PAE Desktop for Windows (Inno Setup 6; UTF-8 with a BOM for Inno Setup < 6.3).
;
; Build the PyInstaller bundle first (dist\pae-desktop\), then, from the repository's root:
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installers\pae-desktop.iss
; The installer is written to dist\installer\. .github/workflows/windows.yml does both on windows-latest.
;
; Installed for the current user without administrator rights by default (school PCs rarely grant them); an
; administrator may choose «for all users». The data (database, backups, logs) live in %APPDATA%\pae-desktop,
; outside the program folder: the uninstaller keeps them unless the user asks otherwise.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "PAE Desktop"
#define AppExe "pae-desktop.exe"
#define DataFolder "pae-desktop"
; The licences travel with the program (installers/pae-desktop.spec writes them into the bundle's folder).
#if !FileExists(AddBackslash(SourcePath) + "..\dist\pae-desktop\THIRD-PARTY-NOTICES.txt")
  #error "dist\pae-desktop\THIRD-PARTY-NOTICES.txt absent : reconstruisez le bundle (installers\pae-desktop.spec)"
#endif
#if !FileExists(AddBackslash(SourcePath) + "..\dist\pae-desktop\LICENSE")
  #error "dist\pae-desktop\LICENSE absent : reconstruisez le bundle (installers\pae-desktop.spec)"
#endif

[Setup]
AppId={{6F7C1E2A-3B8D-4E51-9A0C-5D2E8B4F7A13}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Équipe PAE Desktop
AppComments=Suivi du Parcours Ambition Emploi pour les lycées professionnels
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist\installer
OutputBaseFilename=pae-desktop-{#AppVersion}-installation
SetupIconFile=..\resources\icons\pae-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
; The application must be closed before it is updated or removed (it holds its database's lock).
CloseApplications=yes
RestartApplications=no

; French first: the language used when Windows' own language is neither of these two.
[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
french.DeleteDataQuestion=Supprimer aussi les données de PAE Desktop ?%n%n%1%n%nCe dossier contient la base des élèves, ses sauvegardes et le journal. Répondez « Non » pour les conserver (réinstallation, mise à jour, archivage) ; « Oui » les efface définitivement.
english.DeleteDataQuestion=Also delete PAE Desktop's data?%n%n%1%n%nThis folder holds the students' database, its backups and the log. Answer "No" to keep them (reinstallation, update, archiving); "Yes" erases them for good.
french.DeleteDataFailed=Le dossier des données n'a pas pu être entièrement supprimé :%n%1
english.DeleteDataFailed=The data folder could not be entirely deleted:%n%1

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole bundle, LICENSE and THIRD-PARTY-NOTICES.txt included (shown by «Aide › À propos › Licences»).
Source: "..\dist\pae-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python's caches written beside the program, never the data (which are not in {app}).
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
function DataDir(): String;
begin
  Result := ExpandConstant('{userappdata}\{#DataFolder}');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Folder: String;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  Folder := DataDir();
  { Silent uninstalls (IT deployment tools) always keep the data; the default button is «No». }
  if UninstallSilent() or not DirExists(Folder) then
    exit;
  if SuppressibleMsgBox(FmtMessage(CustomMessage('DeleteDataQuestion'), [Folder]),
                        mbConfirmation, MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES then
  begin
    if not DelTree(Folder, True, True, True) then
      MsgBox(FmtMessage(CustomMessage('DeleteDataFailed'), [Folder]), mbError, MB_OK);
  end;
end;
