using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KataServer.Platform.Data.Migrations
{
    /// <inheritdoc />
    public partial class ArchivedKatas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ArchivedAt",
                table: "AuthoredKatas",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "AuthoredKatas");
        }
    }
}
